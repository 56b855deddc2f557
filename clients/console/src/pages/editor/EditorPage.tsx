import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { parse, stringify } from 'yaml';
import { ApiError, locateYamlPath } from '@af/api-client';
import { ErrorNotice, useClient } from '../../api.js';
import { applyBlueprintSchema } from './monaco.js';
import { YamlEditor, type YamlEditorHandle } from './YamlEditor.js';
import { draftName, problemsOf, reportFromDetails, type Problem, type Report } from './problems.js';
import { NEW_AGENT_TEMPLATE } from './template.js';
import { ProblemList } from './ProblemList.js';
import { TestPanel } from './TestPanel.js';
import { DeployPanel } from './DeployPanel.js';

const YAML_HEADERS = { 'content-type': 'application/yaml' } as const;
const asIs = (body: unknown) => body as string;
const VALIDATE_AFTER_MS = 400;

/** The draft's text after it has stopped changing for a moment (what validation reads). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** An API error that names a field of the draft, as a problem at its line. */
function problemOfError(source: string, error: unknown): Problem | undefined {
  if (!(error instanceof ApiError) || !error.path) return undefined;
  const at = locateYamlPath(source, error.path);
  return { severity: 'error', tier: 'api', code: error.code, path: error.path, message: error.message, suggestions: [], line: at?.line ?? 1, column: at?.column ?? 1, approximate: at?.approximate ?? true };
}

/** The draft's metadata.name, when it parses. */
function draftNameOf(source: string): string | undefined {
  try {
    return draftName(parse(source));
  } catch {
    return undefined;
  }
}

export default function EditorPage() {
  const { name: routeName } = useParams();
  const client = useClient();
  const editor = useRef<YamlEditorHandle>(null);

  const stored = useQuery({
    queryKey: ['blueprint', routeName],
    enabled: Boolean(routeName),
    staleTime: Infinity,
    queryFn: async () => {
      const { data } = await client.GET('/v1/blueprints/{name}', { params: { path: { name: routeName! }, query: {} } });
      return data!;
    },
  });
  const schema = useQuery({
    queryKey: ['schema', 'blueprint'],
    staleTime: Infinity,
    queryFn: async () => (await client.GET('/v1/schemas/{name}', { params: { path: { name: 'blueprint' } } })).data as object,
  });
  useEffect(() => applyBlueprintSchema(schema.data), [schema.data]);

  const [text, setText] = useState<string | undefined>(routeName ? undefined : NEW_AGENT_TEMPLATE);
  useEffect(() => {
    if (text === undefined && stored.data) setText(stringify(stored.data.document ?? {}));
  }, [stored.data, text]);

  const draft = text ?? '';
  const settled = useSettled(draft, VALIDATE_AFTER_MS);
  const validation = useQuery({
    queryKey: ['validate', settled],
    enabled: settled.trim() !== '',
    staleTime: Infinity,
    retry: false,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const { data } = await client.POST('/v1/validate', { body: settled, bodySerializer: asIs, headers: YAML_HEADERS });
      return data as Report;
    },
  });

  const [saved, setSaved] = useState<{ name: string; version: number; text: string; created: boolean } | undefined>(
    undefined,
  );
  const save = useMutation({
    mutationFn: async (source: string) => {
      let document: unknown;
      try {
        document = parse(source);
      } catch {
        document = undefined;
      }
      const name = draftName(document) ?? routeName;
      if (name) {
        try {
          const { data } = await client.PUT('/v1/blueprints/{name}', { params: { path: { name }, header: {} }, body: source, bodySerializer: asIs, headers: YAML_HEADERS });
          return { name: data!.name, version: data!.version, text: source, created: data!.created };
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 404)) throw error;
        }
      }
      const { data } = await client.POST('/v1/blueprints', { body: source, bodySerializer: asIs, headers: YAML_HEADERS });
      return { name: data!.name, version: data!.version, text: source, created: true };
    },
    onSuccess: (result) => setSaved(result),
  });

  const problems = useMemo(() => {
    if (save.error) {
      const report = save.error instanceof ApiError ? reportFromDetails(save.error.details) : undefined;
      if (report && save.variables === draft) return problemsOf(draft, report);
    }
    const list = validation.data && validation.isSuccess ? problemsOf(settled, validation.data) : [];
    const fromError = problemOfError(settled, validation.error) ?? (save.variables === draft ? problemOfError(draft, save.error) : undefined);
    return fromError ? [...list, fromError] : list;
  }, [validation.data, validation.isSuccess, validation.error, settled, save.error, save.variables, draft]);

  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const checking = validation.isFetching || settled !== draft;
  const summary = checking
    ? 'Checking…'
    : validation.error
      ? 'The draft could not be checked'
      : errors === 0
        ? `Valid${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
        : `${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`;
  const savedIsCurrent = saved !== undefined && saved.text === draft;

  return (
    <section className="page" aria-labelledby="editor-title">
      <h1 id="editor-title">{routeName ? `Blueprint editor: ${routeName}` : 'Blueprint editor: new agent'}</h1>
      <p className="muted">
        YAML with completion and hover from the published schema; checked as you type.{' '}
        {routeName ? (
          <Link to="/editor">Start a new agent</Link>
        ) : null}
      </p>
      {stored.error ? <ErrorNotice error={stored.error} title="Could not load the blueprint" /> : null}
      <div className="editor-layout">
        <div>
          <div className="toolbar">
            <button type="button" onClick={() => save.mutate(draft)} disabled={save.isPending || text === undefined}>
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            <span role="status" aria-live="polite" className="muted" data-testid="validation-summary">
              {summary}
            </span>
          </div>
          {text === undefined ? (
            <p role="status">Loading the blueprint…</p>
          ) : (
            <YamlEditor ref={editor} value={draft} onChange={setText} problems={problems} label="Blueprint YAML" />
          )}
          {save.error ? <ErrorNotice error={save.error} title="Not saved" /> : null}
          {saved && save.isSuccess ? (
            <p role="status" className="notice notice-ok">
              {saved.created ? `Saved ${saved.name} version ${saved.version}.` : `No change: ${saved.name} version ${saved.version} already has this content.`}{' '}
              <Link to={`/agents/${saved.name}`}>Open the agent</Link>
            </p>
          ) : null}
        </div>
        <div className="side-panel">
          <ProblemList problems={problems} summary={summary} onSelect={(p) => editor.current?.goTo(p.line, p.column)} />
          {validation.error ? <ErrorNotice error={validation.error} title="Validation failed" /> : null}
          <TestPanel agent={draftNameOf(draft) ?? routeName} draft={draft} />
          <DeployPanel agent={saved?.name} version={saved?.version} enabled={savedIsCurrent} />
        </div>
      </div>
    </section>
  );
}
