import { useId, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { components } from '@af/api-client';
import { ErrorNotice, useClient } from '../../api.js';
import { parseRunInput } from '../runs/run-input.js';

type EvalReport = components['schemas']['EvalReport'];

/**
 * The sandbox: the unsaved draft's evals, and an optional ad-hoc input run as one more case, on a
 * worker (POST /v1/blueprints/{name}/test — compiled as version 0, nothing saved or deployed).
 */
export function TestPanel({ agent, draft }: { agent: string | undefined; draft: string }) {
  const client = useClient();
  const [input, setInput] = useState('');
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const hintId = useId();
  const run = useMutation({
    mutationFn: async (adHoc: Record<string, unknown> | undefined): Promise<EvalReport> => {
      const { data } = await client.POST('/v1/blueprints/{name}/test', {
        params: { path: { name: agent! } },
        body: { blueprint: draft, ...(adHoc ? { input: adHoc as never } : {}) },
      });
      return data!;
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    let adHoc: Record<string, unknown> | undefined;
    if (input.trim() !== '') {
      const parsed = parseRunInput(input);
      if (!parsed.ok) {
        setInputError(parsed.message);
        return;
      }
      adHoc = parsed.value;
    }
    setInputError(undefined);
    run.mutate(adHoc);
  }

  const report = run.data;
  return (
    <section aria-labelledby="test-title">
      <h2 id="test-title">Test</h2>
      <form onSubmit={submit}>
        <p className="hint">Runs the draft&apos;s evals in the sandbox before you save (nothing is stored or deployed).</p>
        <label htmlFor="adhoc-input">Ad-hoc input (JSON object, optional)</label>
        <textarea id="adhoc-input" rows={3} value={input} onChange={(e) => setInput(e.target.value)} aria-describedby={hintId} aria-invalid={inputError ? true : undefined} spellCheck={false} />
        <p id={hintId} className="hint">
          Run as one more case, &quot;ad-hoc&quot;; its output is shown.
        </p>
        {inputError ? (
          <p role="alert" className="notice notice-error">
            {inputError}
          </p>
        ) : null}
        <button type="submit" className="secondary" disabled={!agent || run.isPending}>
          {run.isPending ? 'Testing…' : 'Test the draft'}
        </button>
        {!agent ? <p className="hint">The draft needs a metadata.name.</p> : null}
      </form>
      <ErrorNotice error={run.error} title="The test did not run" />
      <div aria-live="polite" data-testid="test-report">
        {report ? (
          <>
            <p>
              <span className={`status status-${report.passed ? 'succeeded' : 'failed'}`}>{report.passed ? 'Passed' : 'Failed'}</span> {report.total - report.failed} of{' '}
              {report.total} cases passed.
            </p>
            <ul>
              {report.cases.map((c) => (
                <li key={c.name}>
                  <strong>{c.name}</strong>: {c.passed ? 'passed' : 'failed'} in {Math.round(c.durationMs)} ms
                  {c.error ? <div className="muted">{c.error}</div> : null}
                  {c.failures.map((f) => (
                    <div key={f} className="muted">
                      {f}
                    </div>
                  ))}
                  {c.output !== undefined && c.output !== null ? <pre>{JSON.stringify(c.output, null, 2)}</pre> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}
