import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorNotice, useClient } from '../../api.js';
import { diffRows, reinstatableVersions, shortTime, statusSince, timeline, type DiffRow } from './agent-detail.js';
import { formatMs, formatRate, type AgentHealth, type AgentView, type Deployment } from './agent-rows.js';
import { StatusBadge } from './StatusBadge.js';
import styles from './agents.module.css';

const REFRESH_MS = 10_000;
const TIMELINE_DEPLOYMENTS = 10;

/** One agent: what is live, health per version, versions and a diff between any two, the deployment timeline, triggers and evals. */
export default function AgentPage() {
  const name = useParams()['name'] ?? '';
  const client = useClient();
  const path = { params: { path: { name } } };
  const agent = useQuery({ queryKey: ['agent', name], queryFn: async () => (await client.GET('/v1/agents/{name}', path)).data!, refetchInterval: REFRESH_MS });
  const health = useQuery({ queryKey: ['agent', name, 'health'], queryFn: async () => (await client.GET('/v1/agents/{name}/health', path)).data!, refetchInterval: REFRESH_MS });
  const versions = useQuery({ queryKey: ['agent', name, 'versions'], queryFn: async () => (await client.GET('/v1/blueprints/{name}/versions', path)).data! });
  const deployments = useQuery({
    queryKey: ['agent', name, 'deployments'],
    queryFn: async () => (await client.GET('/v1/agents/{name}/deployments', { params: { path: { name }, query: { limit: 50 } } })).data!,
    refetchInterval: REFRESH_MS,
  });
  // The list carries no transitions: the latest deployments are read one by one for the timeline (again when a status changes).
  const recent = (deployments.data?.items ?? []).slice(0, TIMELINE_DEPLOYMENTS);
  const detailed = useQueries({
    queries: recent.map((d) => ({
      queryKey: ['agent', name, 'deployment', d.deploymentId, d.status],
      queryFn: async () => (await client.GET('/v1/agents/{name}/deployments/{id}', { params: { path: { name, id: d.deploymentId } } })).data!,
      staleTime: Infinity,
    })),
  });
  const history = recent.map((d, i) => detailed[i]?.data ?? d);
  const triggers = useQuery({ queryKey: ['agent', name, 'triggers'], queryFn: async () => (await client.GET('/v1/agents/{name}/triggers', path)).data! });

  const versionNumbers = (versions.data?.items ?? []).map((v) => v.version).sort((a, b) => b - a);
  const view = agent.data;

  return (
    <div className="page">
      <p>
        <Link to="/agents">← All agents</Link>
      </p>
      <h1>
        Agent <code>{name}</code>
      </h1>
      <ErrorNotice error={agent.error} title="What is live could not be read" />
      {view ? (
        <dl className={styles['facts']} aria-label="What is live">
          <div>
            <dt>Health</dt>
            <dd>
              <StatusBadge status={view.health} />
            </dd>
          </div>
          <div>
            <dt>Active version</dt>
            <dd>{view.active ? `v${view.active.version} since ${shortTime(statusSince(history.find((d) => d.deploymentId === view.active?.deploymentId) ?? view.active))}` : 'none'}</dd>
          </div>
          <div>
            <dt>Canary</dt>
            <dd>{view.canary ? `v${view.canary.version} at ${view.canary.canaryPercent} % until ${shortTime(view.canary.windowEndsAt)}` : 'none'}</dd>
          </div>
          <div>
            <dt>Runs in flight</dt>
            <dd>{view.versions.reduce((n, v) => n + v.inFlightRuns, 0)}</dd>
          </div>
          <div>
            <dt>Latest version</dt>
            <dd>{versionNumbers[0] ? `v${versionNumbers[0]}` : '—'}</dd>
          </div>
        </dl>
      ) : null}
      <p>
        <Link to={`/editor/${encodeURIComponent(name)}`}>Edit the blueprint</Link>
      </p>

      <div className={styles['sections']}>
        <DeployActions name={name} active={view?.active ?? null} canary={view?.canary ?? null} deployments={history} />

        <section aria-labelledby="health-heading">
          <h2 id="health-heading">Health per version</h2>
          <ErrorNotice error={health.error} />
          {health.data || view ? (
            <div className="table-wrap">
              <table className={styles['table']}>
                <caption className="muted">
                  Recent runs{health.data ? ` in the last ${Math.round(health.data.windowMs / 60_000)} min` : ''}, refreshed every {REFRESH_MS / 1000} s
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Role</th>
                    <th scope="col" className={styles['num']}>Share</th>
                    <th scope="col" className={styles['num']}>In flight</th>
                    <th scope="col" className={styles['num']}>Runs</th>
                    <th scope="col" className={styles['num']}>Failed</th>
                    <th scope="col" className={styles['num']}>Error rate</th>
                    <th scope="col" className={styles['num']}>p50</th>
                    <th scope="col" className={styles['num']}>p95</th>
                    <th scope="col">Probe</th>
                    <th scope="col">Last finished</th>
                  </tr>
                </thead>
                <tbody>
                  {versionHealth(view, health.data).map((v) => (
                    <tr key={v.version}>
                      <th scope="row">v{v.version}</th>
                      <td>{v.role ? <StatusBadge status={v.role} /> : '—'}</td>
                      <td className={styles['num']}>{v.percent === null ? '—' : `${v.percent} %`}</td>
                      <td className={styles['num']}>{v.inFlightRuns ?? '—'}</td>
                      <td className={styles['num']}>{v.runs}</td>
                      <td className={styles['num']}>{v.failed}</td>
                      <td className={styles['num']}>{formatRate(v.runs > 0 ? v.failureRate : null)}</td>
                      <td className={styles['num']}>{formatMs(v.runs > 0 ? v.p50Ms : null)}</td>
                      <td className={styles['num']}>{formatMs(v.runs > 0 ? v.p95Ms : null)}</td>
                      <td>{v.probe ? <StatusBadge status={v.probe} /> : '—'}</td>
                      <td>{shortTime(v.lastFinishedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>

        <section aria-labelledby="versions-heading">
          <h2 id="versions-heading">Versions</h2>
          <ErrorNotice error={versions.error} />
          {versions.data ? (
            <div className="table-wrap">
              <table className={styles['table']}>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Saved</th>
                    <th scope="col">Author</th>
                    <th scope="col">Valid</th>
                    <th scope="col">Content hash</th>
                  </tr>
                </thead>
                <tbody>
                  {[...versions.data.items].sort((a, b) => b.version - a.version).map((v) => (
                    <tr key={v.version}>
                      <th scope="row">v{v.version}</th>
                      <td>
                        <time dateTime={v.createdAt}>{shortTime(v.createdAt)}</time>
                      </td>
                      <td>{v.author}</td>
                      <td>{v.valid ? 'valid' : <StatusBadge status="failed" label="invalid" />}</td>
                      <td>
                        <code title={v.contentHash}>{v.contentHash.slice(0, 12)}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>

        <VersionDiff name={name} versions={versionNumbers} />

        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Deployment timeline</h2>
          <ErrorNotice error={deployments.error} />
          {deployments.data && deployments.data.items.length === 0 ? <p>Never deployed.</p> : null}
          {deployments.data && deployments.data.items.length > TIMELINE_DEPLOYMENTS ? <p className="muted">The latest {TIMELINE_DEPLOYMENTS} deployments.</p> : null}
          {deployments.data && deployments.data.items.length > 0 ? (
            <ol className={styles['timeline']}>
              {timeline(history).map((e) => (
                <li key={`${e.deploymentId}-${e.at}-${e.to}`}>
                  <time dateTime={e.at}>{shortTime(e.at)}</time> — v{e.version} {e.from ? <>{e.from.replace(/_/g, ' ')} → </> : null}
                  <StatusBadge status={e.to} />
                  {e.strategy === 'canary' ? <span className="muted"> (canary, {e.canaryPercent} % of new runs)</span> : null}
                  <div className="muted">
                    by {e.actor}
                    {e.reason ? `: ${e.reason}` : ''}
                  </div>
                </li>
              ))}
            </ol>
          ) : null}
        </section>

        <section aria-labelledby="triggers-heading">
          <h2 id="triggers-heading">Triggers</h2>
          <ErrorNotice error={triggers.error} />
          {triggers.data && triggers.data.items.length === 0 ? <p>No triggers: runs start from the API only.</p> : null}
          {triggers.data && triggers.data.items.length > 0 ? (
            <div className="table-wrap">
              <table className={styles['table']}>
                <thead>
                  <tr>
                    <th scope="col">Trigger</th>
                    <th scope="col">Type</th>
                    <th scope="col">When</th>
                    <th scope="col">Next</th>
                    <th scope="col">Last</th>
                    <th scope="col" className={styles['num']}>Fired</th>
                  </tr>
                </thead>
                <tbody>
                  {triggers.data.items.map((t) => (
                    <tr key={t.id}>
                      <th scope="row">
                        <code>{t.id}</code>
                      </th>
                      <td>{t.type}</td>
                      <td>{t.type === 'schedule' ? `${t.cron ?? ''} ${t.timezone ?? ''}` : t.type === 'event' ? <code>{t.subject}</code> : 'signed HTTP request'}</td>
                      <td>{shortTime(t.nextFireAt)}</td>
                      <td>{shortTime(t.lastFiredAt)}</td>
                      <td className={styles['num']}>{t.fired}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>

        <Evals name={name} versions={versionNumbers} />
      </div>
    </div>
  );
}

/** The versions that are live or ran recently: the agent view's role and share beside the health service's outcomes. */
function versionHealth(view: AgentView | undefined, health: AgentHealth | undefined) {
  const byVersion = new Map<number, { version: number; role: string | null; percent: number | null; inFlightRuns: number | null } & Omit<AgentHealth['versions'][number], 'version'>>();
  const empty = { runs: 0, succeeded: 0, failed: 0, failureRate: 0, p50Ms: 0, p95Ms: 0, lastFinishedAt: null, probe: null };
  for (const v of view?.versions ?? []) byVersion.set(v.version, { ...empty, version: v.version, role: v.role, percent: v.percent, inFlightRuns: v.inFlightRuns });
  for (const h of health?.versions ?? []) {
    const live = byVersion.get(h.version);
    byVersion.set(h.version, { role: null, percent: null, inFlightRuns: null, ...live, ...h });
  }
  return [...byVersion.values()].sort((a, b) => b.version - a.version);
}

/** Promote the canary, roll it back, or return to a version that was active before. */
function DeployActions({
  name,
  active,
  canary,
  deployments,
}: {
  name: string;
  active: Deployment | null;
  canary: Deployment | null;
  deployments: readonly Deployment[];
}) {
  const client = useClient();
  const queries = useQueryClient();
  const reasonId = useId();
  const targetId = useId();
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState('');
  const [done, setDone] = useState('');
  const refresh = () => queries.invalidateQueries({ queryKey: ['agent', name] });
  const promote = useMutation({
    mutationFn: async (deploymentId: string) => (await client.POST('/v1/agents/{name}/deployments/{id}/promote', { params: { path: { name, id: deploymentId } }, body: {} })).data!,
    onSuccess: (d) => {
      setDone(`v${d.version} is now active.`);
      void refresh();
    },
  });
  const rollback = useMutation({
    mutationFn: async () =>
      (
        await client.POST('/v1/agents/{name}/rollback', {
          params: { path: { name } },
          body: { ...(target ? { toVersion: Number(target) } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) },
        })
      ).data!,
    onSuccess: (d) => {
      // The answer is the deployment rolled back; what is active now shows above once re-read.
      setDone(`v${d.version} was rolled back.`);
      setReason('');
      setTarget('');
      void refresh();
    },
  });
  const earlier = reinstatableVersions(deployments, active?.version ?? null);
  if (!active && !canary) return null;
  const canRollBack = Boolean(canary || active?.previousDeploymentId || earlier.length > 0);

  return (
    <section aria-labelledby="deploy-heading">
      <h2 id="deploy-heading">Promote or roll back</h2>
      <div className={styles['actions']}>
        {canary ? (
          <button type="button" onClick={() => promote.mutate(canary.deploymentId)} disabled={promote.isPending}>
            Promote canary v{canary.version}
          </button>
        ) : null}
        {canRollBack ? (
          <>
            {earlier.length > 0 ? (
              <label htmlFor={targetId}>
                Roll back to
                <select id={targetId} value={target} onChange={(e) => setTarget(e.target.value)}>
                  <option value="">{canary ? `drop the canary (keep v${active?.version ?? '?'})` : 'the previous version'}</option>
                  {earlier.map((v) => (
                    <option key={v} value={v}>
                      v{v}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <label htmlFor={reasonId}>
              Reason (recorded)
              <input id={reasonId} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} placeholder="e.g. error rate too high" />
            </label>
            <button type="button" className="danger" onClick={() => rollback.mutate()} disabled={rollback.isPending}>
              {canary && !target ? `Roll back canary v${canary.version}` : 'Roll back'}
            </button>
          </>
        ) : (
          <p className="muted">No earlier version to roll back to.</p>
        )}
      </div>
      <p role="status">{promote.isPending || rollback.isPending ? 'Working…' : done}</p>
      <ErrorNotice error={promote.error ?? rollback.error} />
    </section>
  );
}

/** Two versions chosen from the list and what changed between them, path by path. */
function VersionDiff({ name, versions }: { name: string; versions: number[] }) {
  const client = useClient();
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  useEffect(() => {
    // Start on the two latest versions, once they are known.
    if (from === undefined && to === undefined && versions.length >= 2) {
      setFrom(versions[1]);
      setTo(versions[0]);
    }
  }, [versions, from, to]);
  const ready = from !== undefined && to !== undefined && from !== to;
  const diff = useQuery({
    queryKey: ['agent', name, 'diff', from, to],
    queryFn: async () => (await client.GET('/v1/blueprints/{name}/diff', { params: { path: { name }, query: { from: from!, to: to! } } })).data!,
    enabled: ready,
    staleTime: Infinity,
  });
  const rows = diff.data ? diffRows(diff.data.operations) : [];
  const choose = (set: (v: number | undefined) => void) => (e: ChangeEvent<HTMLSelectElement>) => set(e.target.value ? Number(e.target.value) : undefined);

  return (
    <section aria-labelledby="diff-heading">
      <h2 id="diff-heading">Compare versions</h2>
      {versions.length < 2 ? (
        <p>Only one version so far: save another to compare.</p>
      ) : (
        <>
          <div className={styles['actions']}>
            <VersionSelect label="From version" versions={versions} value={from} onChange={choose(setFrom)} />
            <VersionSelect label="To version" versions={versions} value={to} onChange={choose(setTo)} />
          </div>
          {from !== undefined && from === to ? <p>Choose two different versions.</p> : null}
          <ErrorNotice error={diff.error} />
          <div aria-live="polite">
            {diff.isFetching ? <p>Comparing…</p> : null}
            {diff.data && !diff.isFetching ? <DiffTable rows={rows} from={diff.data.from} to={diff.data.to} /> : null}
          </div>
        </>
      )}
    </section>
  );
}

const changeLabel: Record<DiffRow['change'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed' };
const changeClass: Record<DiffRow['change'], string> = { added: 'diffAdded', removed: 'diffRemoved', changed: 'diffChanged' };

function DiffTable({ rows, from, to }: { rows: DiffRow[]; from: number; to: number }) {
  if (rows.length === 0) return <p>No structural changes from v{from} to v{to}.</p>;
  return (
    <div className="table-wrap">
      <table className={styles['table']}>
        <caption>
          {rows.length} change{rows.length === 1 ? '' : 's'} from v{from} to v{to}
        </caption>
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Path</th>
            <th scope="col">v{from}</th>
            <th scope="col">v{to}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.change}${r.path}`} className={styles[changeClass[r.change]]}>
              <td>{changeLabel[r.change]}</td>
              <th scope="row">
                <code>{r.path}</code>
              </th>
              <td>{r.before === null ? <span className="muted">(absent)</span> : <pre className={styles['value']}>{r.before}</pre>}</td>
              <td>{r.after === null ? <span className="muted">(absent)</span> : <pre className={styles['value']}>{r.after}</pre>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Runs a version's evals on a live worker (nothing is deployed) and shows each case with what did not hold. */
function Evals({ name, versions }: { name: string; versions: number[] }) {
  const client = useClient();
  const [version, setVersion] = useState('');
  const run = useMutation({
    mutationFn: async (v: string) => (await client.POST('/v1/agents/{name}/evals', { params: { path: { name } }, body: v ? { version: Number(v) } : {} })).data!,
  });
  const report = run.data;
  return (
    <section aria-labelledby="evals-heading">
      <h2 id="evals-heading">Evals</h2>
      <form
        className={styles['actions']}
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate(version);
        }}
      >
        <label>
          Version to evaluate
          <select value={version} onChange={(e) => setVersion(e.target.value)}>
            <option value="">latest{versions[0] ? ` (v${versions[0]})` : ''}</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={run.isPending}>
          Run evals
        </button>
      </form>
      <div aria-live="polite">
        {run.isPending ? <p>Running the evals on a worker…</p> : null}
        {report ? (
          <>
            <p>
              <StatusBadge status={report.passed ? 'passed' : 'failed'} /> v{report.version}: {report.total - report.failed} of {report.total} cases passed
              {report.total === 0 ? ' (the blueprint has no evals)' : ''}.
            </p>
            <ul className={styles['cases']}>
              {report.cases.map((c) => (
                <li key={c.name} className={styles['case']}>
                  <StatusBadge status={c.passed ? 'passed' : 'failed'} /> <strong>{c.name}</strong> <span className="muted">{formatMs(c.durationMs)}</span>
                  {c.error ? <p className={styles['failures']}>The run failed: {c.error}</p> : null}
                  {c.failures.length > 0 ? (
                    <ul className={styles['failures']}>
                      {c.failures.map((f) => (
                        <li key={f}>{f}</li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
      <ErrorNotice error={run.error} />
    </section>
  );
}

/** A labelled version picker (the diff's two ends). */
function VersionSelect({ label, versions, value, onChange }: { label: string; versions: number[]; value: number | undefined; onChange: (event: ChangeEvent<HTMLSelectElement>) => void }) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={onChange}>
        <option value="">Choose…</option>
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </label>
  );
}
