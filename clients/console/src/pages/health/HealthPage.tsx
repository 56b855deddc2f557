import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice, useClient } from '../../api.js';
import { StatusBadge } from '../agents/StatusBadge.js';
import { ago, condition, orderServices, readCheck, summary } from './health-data.js';
import styles from './health.module.css';

const REFRESH_MS = 5_000;

/** The mesh as the health service sees it: every service up, degraded or down with its checks; refreshed every few seconds. */
export default function HealthPage() {
  const client = useClient();
  const [auto, setAuto] = useState(true);
  const mesh = useQuery({
    queryKey: ['mesh-health'],
    queryFn: async () => (await client.GET('/v1/mesh/health')).data!,
    refetchInterval: auto ? REFRESH_MS : false,
  });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => setNow(Date.now()), [mesh.dataUpdatedAt]);
  const counts = mesh.data ? summary(mesh.data) : undefined;

  return (
    <div className="page">
      <h1>Mesh health</h1>
      <div className="toolbar">
        <label className={styles['inline']}>
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Refresh every {REFRESH_MS / 1000} s
        </label>
        <button type="button" className="secondary" onClick={() => void mesh.refetch()} disabled={mesh.isFetching}>
          Refresh now
        </button>
        {mesh.dataUpdatedAt ? (
          <span className="muted">
            Read at <time dateTime={new Date(mesh.dataUpdatedAt).toISOString()}>{new Date(mesh.dataUpdatedAt).toLocaleTimeString()}</time>
          </span>
        ) : null}
      </div>
      <ErrorNotice error={mesh.error} title="The mesh's health could not be read" />
      {mesh.isPending ? <p role="status">Loading…</p> : null}
      {mesh.data && counts ? (
        <>
          <p role="status" aria-live="polite" className={styles['overall']}>
            <StatusBadge status={mesh.data.status === 'ok' ? 'ok' : 'degraded'} label={mesh.data.status === 'ok' ? 'All services up' : 'Degraded'} /> {counts.up} up, {counts.degraded} degraded,{' '}
            {counts.down} down
          </p>
          <ul className={styles['grid']} aria-label="Services">
            {orderServices(mesh.data.services).map((s) => {
              const state = condition(s.state);
              const checks = Object.entries(s.checks).sort(([a], [b]) => a.localeCompare(b));
              return (
                <li key={s.service} className={styles['card']}>
                  <h2 className={styles['name']}>{s.service}</h2>
                  <p>
                    <StatusBadge status={state} label={state === 'degraded' ? `degraded (${s.state})` : state} />
                  </p>
                  <p className="muted">
                    {s.instances} instance{s.instances === 1 ? '' : 's'} · last heard {ago(s.lastSeenMs, now)}
                  </p>
                  {checks.length > 0 ? (
                    <table className={styles['checks']}>
                      <caption className="visually-hidden">Checks of {s.service}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Check</th>
                          <th scope="col">Result</th>
                        </tr>
                      </thead>
                      <tbody>
                        {checks.map(([name, value]) => {
                          const reading = readCheck(value);
                          return (
                            <tr key={name}>
                              <th scope="row">{name}</th>
                              <td>{reading.tone === 'ok' ? reading.text : <StatusBadge status={reading.tone === 'busy' ? 'degraded' : 'down'} label={reading.text} />}</td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  ) : (
                    <p className="muted">No checks reported.</p>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </div>
  );
}
