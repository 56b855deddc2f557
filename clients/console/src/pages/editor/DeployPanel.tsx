import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { components } from '@af/api-client';
import { ErrorNotice, useClient } from '../../api.js';

type Deployment = components['schemas']['Deployment'];

/** Statuses a deployment does not leave by itself. */
const SETTLED = new Set(['active', 'failed', 'rolled_back', 'superseded']);

/** Deploys the saved version (immediately, or as a canary taking a share of new runs) and follows the rollout until it settles. */
export function DeployPanel({ agent, version, enabled }: { agent: string | undefined; version: number | undefined; enabled: boolean }) {
  const client = useClient();
  const [canary, setCanary] = useState('');
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const hintId = useId();
  const deploy = useMutation({
    mutationFn: async (percent: number | undefined): Promise<Deployment> => {
      const body = { ...(version === undefined ? {} : { version }), ...(percent === undefined ? {} : { strategy: 'canary' as const, canaryPercent: percent }) };
      const { data } = await client.POST('/v1/agents/{name}/deployments', { params: { path: { name: agent! } }, body });
      return data!;
    },
  });
  const started = deploy.data;
  const progress = useQuery({
    queryKey: ['deployment', agent, started?.deploymentId],
    enabled: Boolean(started),
    initialData: started,
    refetchInterval: (query) => (query.state.data && SETTLED.has(query.state.data.status) ? false : 1_000),
    queryFn: async () => {
      const { data } = await client.GET('/v1/agents/{name}/deployments/{id}', { params: { path: { name: agent!, id: started!.deploymentId } } });
      return data!;
    },
  });
  const current = progress.data ?? started;

  function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = canary.trim();
    const percent = trimmed === '' ? undefined : Number(trimmed);
    if (percent !== undefined && !(Number.isInteger(percent) && percent >= 1 && percent <= 99)) {
      setFormError('The canary share is a whole number from 1 to 99 (or empty for an immediate deployment).');
      return;
    }
    setFormError(undefined);
    deploy.mutate(percent);
  }

  return (
    <section aria-labelledby="deploy-title">
      <h2 id="deploy-title">Deploy</h2>
      <form onSubmit={submit}>
        <label htmlFor="canary">Canary share of new runs (%)</label>
        <input id="canary" inputMode="numeric" value={canary} onChange={(e) => setCanary(e.target.value)} aria-describedby={hintId} aria-invalid={formError ? true : undefined} size={4} />
        <p id={hintId} className="hint">
          Empty: every new run once it is warm and its evals pass.
        </p>
        {formError ? (
          <p role="alert" className="notice notice-error">
            {formError}
          </p>
        ) : null}
        <button type="submit" disabled={!enabled || !agent || deploy.isPending}>
          {deploy.isPending ? 'Deploying…' : version !== undefined ? `Deploy version ${version}` : 'Deploy'}
        </button>
        {!enabled ? <p className="hint">Save the draft to deploy it.</p> : null}
      </form>
      <ErrorNotice error={deploy.error ?? progress.error} title="Deployment" />
      <div aria-live="polite" data-testid="rollout">
        {current ? (
          <>
            <p>
              Rollout of version {current.version}: <span className={`status status-${current.status}`}>{current.status}</span>
              {current.strategy === 'canary' ? ` (canary ${current.canaryPercent} %)` : ''}
              {current.reason ? ` — ${current.reason}` : ''}
              {current.message ? ` — ${current.message}` : ''}
            </p>
            <ol>
              {current.transitions.map((t) => (
                <li key={`${t.to}-${t.at}`}>
                  {new Date(t.at).toLocaleTimeString()} → {t.to}
                  {t.reason ? `: ${t.reason}` : ''}
                </li>
              ))}
            </ol>
            {current.status === 'active' ? (
              <p>
                <Link to={`/runs?agent=${encodeURIComponent(current.agent)}&new=1`}>Start a run of {current.agent}</Link>
              </p>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}
