import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatUsd, type ChartPoint } from './usage-data.js';

/**
 * Cost (left axis) and tokens (right axis) per group as bars. The chart repeats the table under it,
 * so it is hidden from assistive technology (the table is what a screen reader reads).
 */
export default function UsageChart({ points, dayAxis }: { points: ChartPoint[]; dayAxis: boolean }) {
  return (
    <div aria-hidden="true" style={{ width: '100%', height: 280 }}>
      <ResponsiveContainer>
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 8, left: 8 }} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#c5ccd4" />
          <XAxis dataKey="key" tick={{ fill: '#1b1f24', fontSize: 12 }} tickFormatter={(k: string) => (dayAxis ? k.slice(5) : k.length > 18 ? `${k.slice(0, 17)}…` : k)} />
          <YAxis yAxisId="cost" tick={{ fill: '#1b1f24', fontSize: 12 }} tickFormatter={(v: number) => formatUsd(v)} width={72} />
          <YAxis yAxisId="tokens" orientation="right" tick={{ fill: '#1b1f24', fontSize: 12 }} tickFormatter={(v: number) => formatCount(v)} width={72} />
          <Tooltip formatter={(value, name) => (name === 'Cost (USD)' ? formatUsd(Number(value)) : formatCount(Number(value)))} />
          <Legend />
          <Bar yAxisId="cost" dataKey="costUsd" name="Cost (USD)" fill="#0b57d0" isAnimationActive={false} />
          <Bar yAxisId="tokens" dataKey="tokens" name="Tokens" fill="#b86e00" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
