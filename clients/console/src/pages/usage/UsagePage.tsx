import { lazy, Suspense, useId, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice, useClient } from '../../api.js';
import { chartPoints, defaultRange, formatCount, formatUsd, rangeQuery, type DayRange, type GroupBy, type UsageAnswer } from './usage-data.js';

// recharts is only fetched when a chart is drawn: the tables show first.
const UsageChart = lazy(() => import('./UsageChart.js'));

const groups: { groupBy: GroupBy; title: string; keyLabel: string }[] = [
  { groupBy: 'agent', title: 'By agent', keyLabel: 'Agent' },
  { groupBy: 'model', title: 'By model', keyLabel: 'Model' },
  { groupBy: 'day', title: 'By day', keyLabel: 'Day (UTC)' },
];

/** Model cost and tokens over a range of days, by agent, by model and by day: a chart and the same numbers as a table. */
export default function UsagePage() {
  const [range, setRange] = useState<DayRange>(() => defaultRange());
  const fromId = useId();
  const toId = useId();
  const asked = rangeQuery(range);
  const query = 'query' in asked ? asked.query : undefined;
  const fieldError = 'error' in asked ? asked.error : undefined;

  return (
    <div className="page">
      <h1>Usage</h1>
      <form className="toolbar" onSubmit={(e) => e.preventDefault()} aria-describedby={fieldError ? `${fromId}-error` : undefined}>
        <div>
          <label htmlFor={fromId}>First day</label>
          <input id={fromId} type="date" value={range.from} max={range.to || undefined} onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))} aria-invalid={fieldError?.path === 'from'} />
        </div>
        <div>
          <label htmlFor={toId}>Last day</label>
          <input id={toId} type="date" value={range.to} min={range.from || undefined} onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))} aria-invalid={fieldError?.path === 'to'} />
        </div>
        <button type="button" className="secondary" onClick={() => setRange(defaultRange())}>
          This month
        </button>
      </form>
      {fieldError ? (
        <p role="alert" id={`${fromId}-error`} className="notice notice-error">
          {fieldError.message} (<code>{fieldError.path}</code>)
        </p>
      ) : null}
      <p className="muted">Days are UTC; both ends are included. Costs are what the models' prices say for the tokens metered.</p>
      {query ? (
        <>
          <Totals from={query.from} to={query.to} />
          {groups.map((g) => (
            <UsageGroup key={g.groupBy} {...g} from={query.from} to={query.to} range={range} />
          ))}
        </>
      ) : null}
    </div>
  );
}

function useUsage(groupBy: GroupBy, from: string, to: string) {
  const client = useClient();
  return useQuery({
    queryKey: ['usage', groupBy, from, to],
    queryFn: async (): Promise<UsageAnswer> => (await client.GET('/v1/usage', { params: { query: { groupBy, from, to } } })).data!,
  });
}

function Totals({ from, to }: { from: string; to: string }) {
  const usage = useUsage('agent', from, to);
  const total = usage.data?.total;
  if (!total) return null;
  return (
    <section aria-labelledby="usage-total">
      <h2 id="usage-total">Total</h2>
      <p>
        <strong>{formatUsd(total.costUsd)}</strong> for {formatCount(total.calls)} model calls: {formatCount(total.inputTokens)} input tokens ({formatCount(total.cachedInputTokens)} cached),{' '}
        {formatCount(total.outputTokens)} output tokens.
      </p>
    </section>
  );
}

function UsageGroup({ groupBy, title, keyLabel, from, to, range }: { groupBy: GroupBy; title: string; keyLabel: string; from: string; to: string; range: DayRange }) {
  const usage = useUsage(groupBy, from, to);
  const headingId = useId();
  const points = useMemo(() => (usage.data ? chartPoints(groupBy, usage.data.rows, range) : []), [usage.data, groupBy, range]);
  const rows = useMemo(() => {
    if (!usage.data) return [];
    const order = new Map(points.map((p, i) => [p.key, i]));
    return [...usage.data.rows].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
  }, [usage.data, points]);

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <ErrorNotice error={usage.error} />
      {usage.isPending ? <p role="status">Loading…</p> : null}
      {usage.data && rows.length === 0 ? <p>No model calls in this range.</p> : null}
      {rows.length > 0 ? (
        <figure style={{ margin: 0 }}>
          <Suspense fallback={<p className="muted">Loading the chart…</p>}>
            <UsageChart points={points} dayAxis={groupBy === 'day'} />
          </Suspense>
          <figcaption className="muted">Cost and tokens {title.toLowerCase()}; the table lists the same numbers.</figcaption>
        </figure>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">
              Usage {title.toLowerCase()} from {from} to the day before {to}
            </caption>
            <thead>
              <tr>
                <th scope="col">{keyLabel}</th>
                <th scope="col">Calls</th>
                <th scope="col">Input tokens</th>
                <th scope="col">Cached input</th>
                <th scope="col">Output tokens</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.key}</th>
                  <td>{formatCount(r.calls)}</td>
                  <td>{formatCount(r.inputTokens)}</td>
                  <td>{formatCount(r.cachedInputTokens)}</td>
                  <td>{formatCount(r.outputTokens)}</td>
                  <td>{formatUsd(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
