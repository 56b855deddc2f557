import styles from './status.module.css';

const tone: Record<string, 'good' | 'warn' | 'bad' | 'neutral'> = {
  healthy: 'good',
  up: 'good',
  ok: 'good',
  active: 'good',
  passed: 'good',
  succeeded: 'good',
  degraded: 'warn',
  stale: 'warn',
  canary: 'warn',
  warming: 'warn',
  pending: 'warn',
  draining: 'warn',
  unhealthy: 'bad',
  down: 'bad',
  failed: 'bad',
  rolled_back: 'bad',
};

/** A state in words, tinted by how good it is (the words carry the meaning; the tint only repeats it). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`${styles['badge']} ${styles[tone[status] ?? 'neutral']}`}>{label ?? status.replace(/_/g, ' ')}</span>;
}
