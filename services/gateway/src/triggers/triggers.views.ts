import type { TriggerInfo } from '@af/contracts';

/** A registered trigger of an active deployment (schedule, event or webhook). */
export function triggerView(t: TriggerInfo) {
  return {
    id: t.id,
    agent: t.agent,
    type: t.type,
    version: t.version,
    cron: t.cron || null,
    timezone: t.timezone || null,
    subject: t.subject || null,
    nextFireAt: t.nextFireAt || null,
    lastFiredAt: t.lastFiredAt || null,
    fired: Number(t.fired),
  };
}
