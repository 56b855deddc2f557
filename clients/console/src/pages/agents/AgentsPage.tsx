import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery } from '@tanstack/react-query';
import { ErrorNotice, useClient } from '../../api.js';
import { filterAndSort, formatMs, formatRate, rowFromListItem, type SortDirection, type SortKey } from './agent-rows.js';
import { StatusBadge } from './StatusBadge.js';
import styles from './agents.module.css';

const PAGE = 50;
const REFRESH_MS = 15_000;

const columns: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Agent' },
  { key: 'health', label: 'Health' },
  { key: 'activeVersion', label: 'Active version', numeric: true },
  { key: 'failureRate', label: 'Recent error rate', numeric: true },
  { key: 'p95Ms', label: 'p95 latency', numeric: true },
  { key: 'inFlightRuns', label: 'Runs in flight', numeric: true },
];

/** The tenant's agents: health, active version, canary, recent error rate and runs in flight; filter and sort by any column. */
export default function AgentsPage() {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'name', direction: 'ascending' });
  const agents = useInfiniteQuery({
    queryKey: ['agents'],
    queryFn: async ({ pageParam }) => (await client.GET('/v1/agents', { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })).data!,
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: REFRESH_MS,
  });
  const rows = useMemo(() => (agents.data?.pages ?? []).flatMap((p) => p.items.map(rowFromListItem)), [agents.data]);
  const shown = useMemo(() => filterAndSort(rows, query, sort.key, sort.direction), [rows, query, sort]);

  const sortBy = (key: SortKey) =>
    setSort((s) => ({ key, direction: s.key === key && s.direction === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <div className="page">
      <h1>Agents</h1>
      <div className="toolbar">
        <label>
          Filter by name
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. lead" />
        </label>
        <p className="muted" aria-live="polite">
          {agents.isPending ? 'Loading agents…' : `${shown.length} of ${rows.length} agents shown · refreshed every ${REFRESH_MS / 1000} s`}
        </p>
        <Link to="/editor">New agent</Link>
      </div>
      <ErrorNotice error={agents.error} title="The agents could not be read" />
      {agents.isSuccess && rows.length === 0 ? (
        <p>
          No agents yet. <Link to="/editor">Write a blueprint</Link> to create one.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className={styles['table']}>
            <caption className="visually-hidden">Agents, sortable by each column</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.key} scope="col" className={c.numeric ? styles['num'] : undefined} aria-sort={sort.key === c.key ? sort.direction : undefined}>
                    <button type="button" className={styles['sortButton']} onClick={() => sortBy(c.key)}>
                      {c.label}
                      <span aria-hidden="true">{sort.key === c.key ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
                    </button>
                  </th>
                ))}
                <th scope="col">Canary</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.name}>
                  <th scope="row">
                    <Link to={`/agents/${encodeURIComponent(r.name)}`}>{r.name}</Link>
                    {r.description ? <div className="muted">{r.description}</div> : null}
                    {r.notes.map((n) => (
                      <div key={n} className="muted">
                        Not available: {n}
                      </div>
                    ))}
                  </th>
                  <td>
                    <StatusBadge status={r.health} />
                  </td>
                  <td className={styles['num']}>
                    {r.activeVersion === null ? '—' : `v${r.activeVersion}`}
                    {r.latestVersion !== r.activeVersion ? <div className="muted">latest v{r.latestVersion}</div> : null}
                  </td>
                  <td className={styles['num']}>
                    {formatRate(r.failureRate)}
                    {r.runs ? <div className="muted">of {r.runs} runs</div> : null}
                  </td>
                  <td className={styles['num']}>{formatMs(r.p95Ms)}</td>
                  <td className={styles['num']}>{r.inFlightRuns ?? '—'}</td>
                  <td>{r.canary ? `v${r.canary.version} at ${r.canary.percent} %` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {agents.hasNextPage ? (
        <button type="button" onClick={() => void agents.fetchNextPage()} disabled={agents.isFetchingNextPage}>
          {agents.isFetchingNextPage ? 'Loading more…' : 'Show more agents'}
        </button>
      ) : null}
    </div>
  );
}
