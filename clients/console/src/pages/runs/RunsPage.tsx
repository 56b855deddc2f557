import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { ErrorNotice, useClient } from '../../api.js';
import { parseRunInput } from './run-input.js';

const STATUSES = ['', 'queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];
const PAGE = 20;

export default function RunsPage() {
  const client = useClient();
  const [params, setParams] = useSearchParams();
  const agent = params.get('agent') ?? '';
  const status = params.get('status') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];

  const runs = useQuery({
    queryKey: ['runs', agent, status, cursor],
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
    queryFn: async () => {
      const query = { limit: PAGE, ...(agent ? { agent } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) };
      const { data } = await client.GET('/v1/runs', { params: { query } });
      return data!;
    },
  });

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    const a = String(form.get('agent') ?? '').trim();
    const s = String(form.get('status') ?? '');
    if (a) next.set('agent', a);
    if (s) next.set('status', s);
    setCursors([]);
    setParams(next);
  }

  return (
    <section className="page" aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <NewRunForm initialAgent={agent} open={params.get('new') === '1'} />
      <h2>Recent runs</h2>
      <form className="toolbar" onSubmit={filter} aria-label="Filter runs">
        <div>
          <label htmlFor="filter-agent">Agent</label>
          <input id="filter-agent" name="agent" defaultValue={agent} key={agent} />
        </div>
        <div>
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" name="status" defaultValue={status} key={status}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      <ErrorNotice error={runs.error} title="Could not list the runs" />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Agent</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.items.map((run) => (
              <tr key={run.runId}>
                <td>
                  <Link to={`/runs/${run.runId}`}>{run.runId}</Link>
                </td>
                <td>{run.agent}</td>
                <td>{run.version}</td>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span>
                </td>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>{run.finishedAt ? new Date(run.finishedAt).toLocaleString() : '—'}</td>
                <td>{run.errorCode ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.data && runs.data.items.length === 0 ? <p>No runs match.</p> : null}
      <div className="toolbar">
        <button type="button" className="secondary" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" className="secondary" disabled={!runs.data?.nextCursor} onClick={() => runs.data?.nextCursor && setCursors((c) => [...c, runs.data!.nextCursor!])}>
          Next page
        </button>
      </div>
    </section>
  );
}

/** Starts a run: the agent and its input as JSON, checked here before it is sent. */
function NewRunForm({ initialAgent, open }: { initialAgent: string; open: boolean }) {
  const client = useClient();
  const navigate = useNavigate();
  const [agent, setAgent] = useState(initialAgent);
  const [input, setInput] = useState('{\n  "message": "Hello"\n}');
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const inputHint = useId();
  const start = useMutation({
    mutationFn: async ({ name, body }: { name: string; body: Record<string, unknown> }) => {
      const { data } = await client.POST('/v1/agents/{name}/runs', { params: { path: { name }, header: {} }, body: { input: body as never } });
      return data!;
    },
    onSuccess: (run) => navigate(`/runs/${run.runId}`),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseRunInput(input);
    if (!parsed.ok) {
      setInputError(parsed.message);
      return;
    }
    setInputError(undefined);
    start.mutate({ name: agent.trim(), body: parsed.value });
  }

  return (
    <details open={open || undefined}>
      <summary>New run</summary>
      <form onSubmit={submit} aria-label="New run">
        <label htmlFor="run-agent">Agent</label>
        <input id="run-agent" required value={agent} onChange={(e) => setAgent(e.target.value)} pattern="[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?" />
        <label htmlFor="run-input">Input (JSON object)</label>
        <textarea
          id="run-input"
          rows={6}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          aria-describedby={inputHint}
          aria-invalid={inputError ? true : undefined}
          spellCheck={false}
        />
        <p id={inputHint} className="hint">
          Checked against the agent&apos;s input schema when the run starts.
        </p>
        {inputError ? (
          <p role="alert" className="notice notice-error">
            {inputError}
          </p>
        ) : null}
        <button type="submit" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : 'Start the run'}
        </button>
      </form>
      <ErrorNotice error={start.error} title="The run was not started" />
    </details>
  );
}
