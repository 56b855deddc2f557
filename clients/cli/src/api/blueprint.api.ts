import { readFile } from 'node:fs/promises';
import { ApiError, type AfClient, type components } from '@af/api-client';
import diff from 'microdiff';
import { parseDocument } from 'yaml';
import { CliError } from '../errors.js';
import type { ReportSource, ValidationReport } from '../output/validation-report.render.js';

export type Blueprint = components['schemas']['Blueprint'];

/** A blueprint file as read: its name (metadata.name), its text (sent as written) and its parsed document. */
export interface BlueprintFile extends ReportSource {
  name: string;
  document: unknown;
}

/** One structural change between two versions (the shape of GET /v1/blueprints/{name}/diff). */
export interface DiffOperation {
  op: string;
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface BlueprintDiff {
  name: string;
  from: number | string;
  to: number | string;
  operations: DiffOperation[];
}

export type ApplyOutcome = { action: 'created' | 'updated' | 'unchanged'; blueprint: Blueprint };

const YAML = { 'content-type': 'application/yaml' } as const;
const asIs = (body: unknown) => body as string;

/** Reads `-f file` (`-` is stdin) and its metadata.name; a file that is not YAML fails here with its line. */
export async function readBlueprintFile(file: string, readStdin: () => Promise<string>): Promise<BlueprintFile> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('FILE_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, 1, '--file');
  }
  const shown = file === '-' ? '<stdin>' : file;
  const doc = parseDocument(text);
  const broken = doc.errors[0];
  if (broken) {
    const at = broken.linePos?.[0];
    throw new CliError('INVALID_DOCUMENT', `${shown}${at ? `:${at.line}:${at.col}` : ''}: not YAML: ${broken.message.split('\n')[0]}`);
  }
  const document: unknown = doc.toJS();
  const name = (document as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new CliError('INVALID_ARGUMENT', `${shown} has no metadata.name`, 1, '/metadata/name');
  return { file: shown, text, name, document };
}

/** Stores the file as a new version of its blueprint, or as version 1 when the name is new. */
export async function applyBlueprint(client: AfClient, source: BlueprintFile): Promise<ApplyOutcome> {
  try {
    const { data } = await client.PUT('/v1/blueprints/{name}', { params: { path: { name: source.name } }, body: source.text, bodySerializer: asIs, headers: YAML });
    return { action: data!.created ? 'updated' : 'unchanged', blueprint: data! };
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const { data } = await client.POST('/v1/blueprints', { body: source.text, bodySerializer: asIs, headers: YAML });
  return { action: 'created', blueprint: data! };
}

/** The validation report of an unsaved blueprint (valid or not: both are a 200). */
export async function validateBlueprint(client: AfClient, source: BlueprintFile): Promise<ValidationReport> {
  const { data } = await client.POST('/v1/validate', { body: source.text, bodySerializer: asIs, headers: YAML });
  return data!;
}

/** The report a refused save carries (422 VALIDATION_FAILED, `details` = the report), else undefined. */
export function reportOf(error: unknown): ValidationReport | undefined {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return undefined;
  const details = error.details as Partial<ValidationReport> | undefined;
  if (!details || !Array.isArray(details.errors) || !Array.isArray(details.warnings)) return undefined;
  return { valid: false, errors: details.errors, warnings: details.warnings, suggestions: details.suggestions ?? [], omitted: details.omitted ?? 0 };
}

/** Two stored versions compared by the API; `from` defaults to the one before `to` (default the latest). */
export async function diffVersions(client: AfClient, name: string, range: { from?: number; to?: number }): Promise<BlueprintDiff> {
  let { from, to } = range;
  if (from === undefined) {
    if (to === undefined) {
      const { data } = await client.GET('/v1/blueprints/{name}', { params: { path: { name }, query: {} } });
      to = data!.version;
    }
    from = Math.max(1, to - 1);
  }
  const { data } = await client.GET('/v1/blueprints/{name}/diff', { params: { path: { name }, query: { from, ...(to === undefined ? {} : { to }) } } });
  return data!;
}

/** The file against the latest stored version of its blueprint, compared here (nothing is stored). */
export async function diffFile(client: AfClient, source: BlueprintFile): Promise<BlueprintDiff> {
  const { data } = await client.GET('/v1/blueprints/{name}', { params: { path: { name: source.name }, query: {} } });
  const stored = (data!.document ?? {}) as Record<string, unknown>;
  const local = (source.document ?? {}) as Record<string, unknown>;
  const operations = diff(stored, local).map((change): DiffOperation => {
    const path = '/' + change.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
    if (change.type === 'CREATE') return { op: 'add', path, to: change.value };
    if (change.type === 'REMOVE') return { op: 'remove', path, from: change.oldValue };
    return { op: 'replace', path, from: change.oldValue, to: change.value };
  });
  return { name: source.name, from: data!.version, to: source.file, operations };
}
