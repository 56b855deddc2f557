import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchConsoleBrowser } from './browser.js';
import { AxeBuilder } from '@axe-core/playwright';
import { leadQualifier } from '@af/testing';
import { api, createAndDeploy, gatewayUrl, mintToken, newTenant, until, waitForRun } from './client.js';

/**
 * The console's agents, agent, usage and health pages (issue 15) in Debian's chromium against the
 * running mesh, served by the gateway under /console: seeded through the API (an agent with three
 * versions, v1 active, v2 a 50 % canary, v3 with a failing eval; a few runs), then visited as a
 * person would — signed in with a token, moving through the navigation (the credential lives in the
 * tab's memory: a page load would sign out). Each page gets an axe check (no serious or critical
 * violation) and a screenshot in .state/artifacts/console/.
 */

const root = resolve(import.meta.dirname, '../..');
const artifacts = resolve(root, '.state/artifacts/console');
const AGENT = 'console-leads';

/** On the e2e setup's mesh the priced fake provider makes usage visible in dollars; on another mesh the offline model still counts calls. */
const modelRoute = () => (process.env['AF_E2E_MODEL_URL'] ? { route: ['e2efake/m1'], maxCostUsdPerRun: 100 } : { route: ['offline/default'], maxCostUsdPerRun: 0.05 });

function version(goal: string, evals: unknown[]) {
  const doc = leadQualifier({ name: AGENT });
  const spec = doc.spec as Record<string, unknown>;
  spec['goal'] = goal;
  spec['model'] = modelRoute();
  spec['triggers'] = [{ type: 'api' }, { type: 'schedule', id: 'monday-digest', cron: '0 9 * * 1' }];
  spec['evals'] = evals;
  return doc;
}

const answers = { name: 'answers', input: { message: 'hello there' }, expect: { $schema: { type: 'object', required: ['qualified'] } } };
const impossible = { name: 'impossible-score', input: { message: 'hi' }, expect: { $predicates: [{ path: '/score', op: 'gt', value: 1000 }] } };

async function expectNoSeriousA11yViolations(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(artifacts, `${name}.png`), fullPage: true });
}

describe('console pages: agents, agent, usage, health (browser)', () => {
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    token = await mintToken({ tenant: newTenant(), sub: 'ada@acme.test', expiresIn: '30m' });
    await createAndDeploy(token, version('Decide whether an inbound lead is qualified.', [answers]));
    for (const goal of ['Decide whether an inbound B2B lead is qualified.', 'Decide whether an inbound B2B lead is qualified, with a score.']) {
      const saved = await api('PUT', `/v1/blueprints/${AGENT}`, { token, body: version(goal, goal.endsWith('score.') ? [answers, impossible] : [answers]) });
      expect(saved.status).toBe(201);
      if (goal.endsWith('qualified.')) {
        const canary = await api('POST', `/v1/agents/${AGENT}/deployments`, { token, body: { version: 2, strategy: 'canary', canaryPercent: 50, windowSeconds: 3600 } });
        expect(canary.status).toBe(201);
      }
    }
    for (const message of ['lead from acme', 'lead from globex', 'lead from initech']) {
      const submitted = await api('POST', `/v1/agents/${AGENT}/runs`, { token, body: { input: { message } } });
      expect(submitted.status).toBe(202);
      expect((await waitForRun(token, String(submitted.body['runId']))).body['status']).toBe('succeeded');
    }

    ({ browser, page } = await launchConsoleBrowser());
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs in on the login page', async () => {
    await page.goto(`${gatewayUrl()}/console/agents`);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await expectNoSeriousA11yViolations(page, 'login');
    await shoot(page, 'login');
    await page.getByLabel('API key or token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
  });

  it('lists the agent with its health, active version, canary and runs; filters by name', async () => {
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: AGENT }) });
    await row.waitFor();
    await expect(row.getByRole('cell', { name: 'v2 at 50 %' }).count()).resolves.toBe(1);
    await expect(row.getByRole('cell').nth(1).innerText()).resolves.toMatch(/^v1\b/);
    await page.getByLabel('Filter by name').fill('no-such-agent');
    await expect(page.getByRole('link', { name: AGENT }).count()).resolves.toBe(0);
    await page.getByLabel('Filter by name').fill('console');
    await row.waitFor();
    await page.getByRole('button', { name: /Recent error rate/ }).click();
    await expect(page.getByRole('columnheader', { name: /Recent error rate/ }).getAttribute('aria-sort')).resolves.toBe('ascending');
    await expectNoSeriousA11yViolations(page, 'agents');
    await shoot(page, 'agents');
  });

  it('shows the agent: a diff between two chosen versions, the deployment timeline, triggers and an eval report with its failure', async () => {
    await page.getByRole('link', { name: AGENT }).click();
    await page.getByRole('heading', { name: `Agent ${AGENT}` }).waitFor();
    await page.getByRole('button', { name: 'Promote canary v2' }).waitFor();

    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('To version').selectOption('2');
    const diff = page.getByRole('table', { name: /change.* from v1 to v2/ });
    await diff.waitFor();
    const goalRow = diff.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '/spec/goal' }) });
    await expect(goalRow.innerText()).resolves.toContain('Decide whether an inbound B2B lead is qualified.');
    await expect(goalRow.innerText()).resolves.toContain('Changed');

    const timeline = page.getByRole('region', { name: 'Deployment timeline' });
    await timeline.getByRole('listitem').filter({ hasText: 'canary, 50 % of new runs' }).first().waitFor();
    await page.getByRole('region', { name: 'Triggers' }).getByRole('rowheader', { name: 'monday-digest' }).waitFor();

    await page.getByLabel('Version to evaluate').selectOption('3');
    await page.getByRole('button', { name: 'Run evals' }).click();
    const evals = page.getByRole('region', { name: 'Evals' });
    await evals.getByText('1 of 2 cases passed').waitFor({ timeout: 90_000 });
    await expect(evals.getByRole('listitem').filter({ hasText: 'impossible-score' }).innerText()).resolves.toContain('/score');

    await expectNoSeriousA11yViolations(page, 'agent');
    await shoot(page, 'agent');
  });

  it('promotes the canary, then rolls back to the previous version with a recorded reason', async () => {
    const facts = page.getByRole('definition').filter({ hasText: /since/ });
    await page.getByRole('button', { name: 'Promote canary v2' }).click();
    await page.getByRole('status').filter({ hasText: 'v2 is now active.' }).waitFor();
    await facts.filter({ hasText: /^v2 since/ }).waitFor();

    await page.getByLabel('Reason (recorded)').fill('console test: back to v1');
    await page.getByRole('button', { name: 'Roll back', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'v2 was rolled back.' }).waitFor();
    await facts.filter({ hasText: /^v1 since/ }).waitFor();
    await page.getByRole('region', { name: 'Deployment timeline' }).getByRole('listitem').filter({ hasText: 'console test: back to v1' }).first().waitFor();
  });

  it('charts usage by agent, model and day with a table under each chart', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
    const byAgent = page.getByRole('region', { name: 'By agent' });
    const agentRow = byAgent.getByRole('row').filter({ has: page.getByRole('rowheader', { name: AGENT }) });
    await agentRow.waitFor();
    // 3 runs; each run makes at least one model call.
    await expect(agentRow.getByRole('cell').first().innerText().then(Number)).resolves.toBeGreaterThanOrEqual(3);
    const modelKey = modelRoute().route[0]!;
    await page.getByRole('region', { name: 'By model' }).getByRole('rowheader', { name: modelKey }).waitFor();
    const today = new Date().toISOString().slice(0, 10);
    await page.getByRole('region', { name: 'By day' }).getByRole('rowheader', { name: today }).waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'usage');
    await shoot(page, 'usage');
  });

  it('shows the mesh health, every service with its state and checks', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Mesh health', level: 1 }).waitFor();
    const services = page.getByRole('list', { name: 'Services' });
    await services.getByRole('heading', { name: 'gateway' }).waitFor();
    const gateway = services.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'gateway' }) });
    await expect(gateway.innerText()).resolves.toMatch(/\bup\b/);
    await expect(services.getByRole('heading', { level: 2 }).count()).resolves.toBeGreaterThanOrEqual(8);
    // It refreshes by itself: the time it was read moves on within a refresh period or two.
    const readAt = page.getByText(/^Read at /);
    const first = await readAt.innerText();
    await expect(until(() => readAt.innerText(), (now) => now !== first, 15_000, 500)).resolves.not.toBe(first);
    await expectNoSeriousA11yViolations(page, 'health');
    await shoot(page, 'health');
  });

  it('is usable at 400 px wide (no page-wide horizontal scroll on the agents list)', async () => {
    await page.setViewportSize({ width: 400, height: 800 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('link', { name: AGENT }).waitFor();
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(page, 'agents-narrow');
  });
});
