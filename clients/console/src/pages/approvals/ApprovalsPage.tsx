import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@af/api-client';
import { ErrorNotice, useClient } from '../../api.js';

type Escalation = components['schemas']['Escalation'];

/** The pending escalations (oldest deadline first as the API lists them), each decided here with a reason. */
export default function ApprovalsPage() {
  const client = useClient();
  const pending = useQuery({
    queryKey: ['escalations', 'pending'],
    refetchInterval: 3_000,
    queryFn: async () => (await client.GET('/v1/escalations', { params: { query: { status: 'pending', limit: 50 } } })).data!,
  });
  const [announcement, setAnnouncement] = useState('');
  const items = pending.data?.items ?? [];
  return (
    <section className="page" aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      <p className="muted">Actions an agent may take only with a person&apos;s approval. A rejection needs a reason.</p>
      <p role="status" aria-live="polite" className="visually-hidden">
        {announcement}
      </p>
      <ErrorNotice error={pending.error} title="Could not list the escalations" />
      {pending.isSuccess && items.length === 0 ? <p>Nothing is waiting for approval.</p> : null}
      <ul className="cards" aria-label="Pending approvals">
        {items.map((item) => (
          <EscalationCard key={item.id} item={item} onDecided={setAnnouncement} />
        ))}
      </ul>
    </section>
  );
}

function EscalationCard({ item, onDecided }: { item: Escalation; onDecided(message: string): void }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const reasonId = useId();
  const titleId = useId();
  const decide = useMutation({
    mutationFn: async (decision: 'approve' | 'reject') => {
      const options = { params: { path: { id: item.id } }, body: { reason: reason.trim() || null } };
      const { data } = decision === 'approve' ? await client.POST('/v1/escalations/{id}/approve', options) : await client.POST('/v1/escalations/{id}/reject', options);
      return { decision, escalation: data! };
    },
    onSuccess: ({ decision, escalation }) => {
      onDecided(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${item.tool ?? item.kind} for ${item.agent}${escalation.status === 'pending' ? ' (more approvals are needed)' : ''}.`);
      queryClient.setQueryData<{ items: Escalation[]; nextCursor: string | null }>(['escalations', 'pending'], (data) =>
        data && escalation.status !== 'pending' ? { ...data, items: data.items.filter((e) => e.id !== item.id) } : data,
      );
      void queryClient.invalidateQueries({ queryKey: ['escalations'] });
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const decision = submitter?.value === 'reject' ? 'reject' : 'approve';
    if (decision === 'reject' && reason.trim() === '') {
      setFormError('A rejection needs a reason.');
      return;
    }
    setFormError(undefined);
    decide.mutate(decision);
  }

  return (
    <li className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {item.tool ?? item.kind} <span className="muted">by {item.agent}</span>
      </h2>
      <dl className="run-header">
        <dt>Risk</dt>
        <dd>
          <span className={`status status-${item.risk === 'high' || item.risk === 'critical' ? 'failed' : 'waiting'}`}>{item.risk}</span> ({item.rule})
        </dd>
        <dt>Reason</dt>
        <dd>{item.reason}</dd>
        <dt>Run</dt>
        <dd>{item.runId ? <Link to={`/runs/${item.runId}`}>{item.runId}</Link> : '—'}</dd>
        <dt>Requested by</dt>
        <dd>{item.requestedBy}</dd>
        <dt>Approvals</dt>
        <dd>
          {item.approvals} of {item.quorum} · level {item.level} of {item.levels}
        </dd>
        <dt>Deadline</dt>
        <dd>{new Date(item.deadline).toLocaleString()}</dd>
      </dl>
      <div>Arguments</div>
      <pre>{JSON.stringify(item.arguments, null, 2)}</pre>
      <form onSubmit={submit} aria-label={`Decide on ${item.tool ?? item.kind} by ${item.agent}`}>
        <label htmlFor={reasonId}>Reason</label>
        <input id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={formError ? true : undefined} style={{ width: '100%' }} />
        {formError ? (
          <p role="alert" className="notice notice-error">
            {formError}
          </p>
        ) : null}
        <div className="toolbar">
          <button type="submit" value="approve" disabled={decide.isPending}>
            Approve
          </button>
          <button type="submit" value="reject" className="danger" disabled={decide.isPending}>
            Reject
          </button>
        </div>
      </form>
      <ErrorNotice error={decide.error} title="Not decided" />
    </li>
  );
}
