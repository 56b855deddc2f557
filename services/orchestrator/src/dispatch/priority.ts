import { AppError } from '@af/errors';

export const RUN_PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof RUN_PRIORITIES)[number];

/** The submitted priority ('' = normal); anything else is a 400 at /priority. */
export function parsePriority(value: string | undefined): Priority {
  if (value === undefined || value === '') return 'normal';
  if ((RUN_PRIORITIES as readonly string[]).includes(value)) return value as Priority;
  throw AppError.invalid(`priority must be one of ${RUN_PRIORITIES.join(', ')}, got "${value.slice(0, 40)}"`, '/priority');
}

/** SQL rank of a priority: lower dispatches first. */
export const PRIORITY_RANK_SQL = `CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END`;
