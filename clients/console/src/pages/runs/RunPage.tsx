import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { followRun } from '@af/api-client';
import { ErrorNotice, useClient, useClientOptions } from '../../api.js';
import { applyRunEvent, EMPTY_LIVE_RUN, FINAL_STATUSES, type LiveRun } from './timeline.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);

function duration(from: string | null, to: string | null): string | undefined {
  if (!from) return undefined;
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Follows the run's SSE stream (transitions and model tokens) until it is final. */
function useLiveRun(runId: string): { live: LiveRun; error: unknown } {
  const options = useClientOptions();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveRun>(EMPTY_LIVE_RUN);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    setLive(EMPTY_LIVE_RUN);
    setError(undefined);
    void (async () => {
      try {
        for await (const event of followRun(options, runId, { signal: controller.signal })) {
          setLive((state) => applyRunEvent(state, event));
          // The run record (tool calls, usage, output) changes with each transition.
          if (event.event === 'transition' || event.event === 'end') void queryClient.invalidateQueries({ queryKey: ['run', runId] });
        }
      } catch (caught) {
        if (!controller.signal.aborted) setError(caught);
      }
    })();
    return () => controller.abort();
  }, [options, runId, queryClient]);
  return { live, error };
}

export default function RunPage() {
  const { runId = '' } = useParams();
  const client = useClient();
  const { live, error: streamError } = useLiveRun(runId);
  const run = useQuery({
    queryKey: ['run', runId],
    queryFn: async () => (await client.GET('/v1/runs/{runId}', { params: { path: { runId } } })).data!,
  });
  const record = run.data;
  const status = live.status ?? record?.status;
  const final = status !== undefined && FINAL_STATUSES.has(status);
  const usage = record?.usage;

  return (
    <section className="page" aria-labelledby="run-title">
      <h1 id="run-title">Run {runId}</h1>
      <p role="status" aria-live="polite" aria-atomic="true" data-testid="run-status">
        {status ? (
          <>
            Status: <span className={`status status-${status}`}>{status}</span>
            {final ? ' (final)' : ' — following live'}
          </>
        ) : (
          'Loading…'
        )}
      </p>
      <ErrorNotice error={run.error} title="Could not load the run" />
      <ErrorNotice error={streamError} title="The live stream stopped" />
      {record ? (
        <div className="run-header card">
          <dl>
            <dt>Agent</dt>
            <dd>
              <Link to={`/agents/${record.agent}`}>{record.agent}</Link>
            </dd>
            <dt>Version</dt>
            <dd>{record.version}</dd>
            <dt>Trigger</dt>
            <dd>{record.trigger}</dd>
            <dt>Requested by</dt>
            <dd>{record.requestedBy ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{new Date(record.createdAt).toLocaleString()}</dd>
            <dt>Duration</dt>
            <dd>{duration(record.startedAt, record.finishedAt) ?? '—'}</dd>
            <dt>Attempts</dt>
            <dd>{record.attempts}</dd>
            {usage ? (
              <>
                <dt>Model</dt>
                <dd>
                  {usage.provider}/{usage.model}: {usage.inputTokens} in, {usage.outputTokens} out
                </dd>
                <dt>Cost</dt>
                <dd>${usage.costUsd.toFixed(4)}</dd>
              </>
            ) : null}
          </dl>
          {record.waitingFor ? (
            <p className="notice">
              Waiting for an approval: <Link to="/approvals">open the approvals inbox</Link> (escalation <code>{record.waitingFor}</code>).
            </p>
          ) : null}
        </div>
      ) : null}

      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Run timeline">
        {live.transitions.map((t) => (
          <li key={t.seq} className={t.code || t.to === 'failed' ? 'kind-error' : undefined}>
            <span className="step-title">
              {t.from ? `${t.from} → ` : ''}
              {t.to}
            </span>{' '}
            <span className="muted">
              {new Date(t.at).toLocaleTimeString()} · attempt {t.attempt}
              {t.workerId ? ` · ${t.workerId}` : ''}
            </span>
            {t.reason ? <div>{t.reason}</div> : null}
            {t.code ? (
              <div>
                <code>{t.code}</code>
              </div>
            ) : null}
          </li>
        ))}
        {Object.entries(live.streams).map(([stepId, text]) => (
          <li key={`stream-${stepId}`}>
            <span className="step-title">Model answer ({stepId})</span>
            {live.currentStep === stepId && !final ? <span className="muted"> streaming…</span> : null}
            <div className="stream">{text}</div>
          </li>
        ))}
      </ol>
      {live.dropped > 0 ? <p className="muted">{live.dropped} streamed tokens were dropped (the final output below is complete).</p> : null}

      {usage && usage.calls.length > 0 ? (
        <>
          <h2>Model calls</h2>
          <ol className="cards">
            {usage.calls.map((call, index) => (
              <li key={`${call.stepId}-${index}`} className="card">
                <strong>{call.route}</strong> — {call.outcome} in {Math.round(call.durationMs)} ms · {call.inputTokens} in / {call.outputTokens} out · ${call.costUsd.toFixed(4)}
                <div className="muted">step {call.stepId}</div>
                {call.error ? <div className="notice notice-error">{call.error}</div> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}

      {record && record.toolCalls.length > 0 ? (
        <>
          <h2>Tool calls</h2>
          <ol className="cards">
            {record.toolCalls.map((call, index) => (
              <li key={`${call.tool}-${index}`} className="card">
                <strong>{call.tool}</strong> <span className="muted">{Math.round(call.durationMs)} ms</span>
                <div>Arguments</div>
                <pre>{json(call.arguments)}</pre>
                <div>Result</div>
                <pre>{json(call.result)}</pre>
                {call.error ? <div className="notice notice-error">{call.error}</div> : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}

      {record && final ? (
        <>
          <h2>{record.error ? 'Error' : 'Output'}</h2>
          {record.error ? (
            <div className="notice notice-error">
              <code>{record.error.code}</code> {record.error.message}
              {record.error.path ? (
                <>
                  {' '}
                  at <code>{record.error.path}</code>
                </>
              ) : null}
            </div>
          ) : (
            <pre data-testid="run-output">{json(record.output)}</pre>
          )}
        </>
      ) : null}
      <p>
        <Link to="/runs">All runs</Link>
      </p>
    </section>
  );
}
