import { scanTemplate } from '@af/blueprint-format';
import type { PromptSegment } from './artifact.format.js';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Splits a template into text and `{{ a.b.c }}` references with the one template grammar of the
 * blueprint format (the scanner validation uses). A template with a problem is refused with the
 * first one (line and column); the author meant a variable, not text.
 */
export function parseTemplate(template: string): PromptSegment[] {
  const scan = scanTemplate(template, 1);
  const first = scan.problems[0];
  if (first) throw new TemplateError(`${first.message} at line ${first.line}, column ${first.column}`);
  return scan.segments;
}
