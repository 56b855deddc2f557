// Writes the Grafana dashboards (grafana/dashboards/*.json) from the panel lists below: one place
// per panel for its title and PromQL, the JSON boilerplate (Grafana 10+ schema, datasource by the
// `datasource` variable's uid) generated. Run: node deploy/observability/grafana/build-dashboards.mjs
// Every query names only metrics the services export (checked live by e2e/src/observability.e2e-spec.ts).
// Panels on rare events end in `or on() vector(0)` so they show 0 instead of "No data"; the live
// check still fails when such a panel names a metric no service exports (Prometheus' metadata).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const R = '$__rate_interval';
const zero = (q) => `${q} or on() vector(0)`;
/** The 5xx share per service: 0 (not "no data") while nothing failed. */
const errRatio = (sel, by) =>
  `(sum by (${by}) (rate(af_http_requests_total{${sel}status=~"5.."}[${R}])) or 0 * sum by (${by}) (rate(af_http_requests_total{${sel.replace(/,$/, '')}}[${R}]))) / sum by (${by}) (rate(af_http_requests_total{${sel.replace(/,$/, '')}}[${R}]))`;
const p95 = (metric, by = '', sel = '') => `histogram_quantile(0.95, sum by (le${by ? ', ' + by : ''}) (rate(${metric}_bucket${sel ? `{${sel}}` : ''}[${R}])))`;

/** @type {Record<string, { uid: string, title: string, description: string, panels: Array<{ title: string, unit?: string, type?: 'stat' | 'timeseries', legend?: string, exprs: string[] }> }>} */
const dashboards = {
  'mesh-overview': {
    uid: 'af-mesh-overview',
    title: 'Agent Factory / Mesh overview',
    description: 'The 16 services: up, ready (heartbeats), HTTP and NATS traffic, errors, saturation.',
    panels: [
      { title: 'Services up (health service, fresh heartbeats)', type: 'stat', exprs: ['max(af_mesh_services_up)'] },
      { title: 'Scrape targets up', type: 'stat', exprs: ['sum(up{job="agent-factory"})'] },
      { title: 'Service ready by heartbeat', legend: '{{service}}', exprs: ['max by (service) (af_mesh_service_up)'] },
      { title: 'Scrape up by service', legend: '{{service}}', exprs: ['max by (service) (up{job="agent-factory"})'] },
      { title: 'HTTP requests/s by service', unit: 'reqps', legend: '{{service}}', exprs: [`sum by (service) (rate(af_http_requests_total[${R}]))`] },
      { title: 'HTTP 5xx ratio by service', unit: 'percentunit', legend: '{{service}}', exprs: [errRatio('', 'service')] },
      { title: 'HTTP p95 latency by service', unit: 's', legend: '{{service}}', exprs: [p95('af_http_request_duration_seconds', 'service')] },
      { title: 'NATS messages handled/s by outcome', unit: 'ops', legend: '{{service}} {{outcome}}', exprs: [`sum by (service, outcome) (rate(af_messages_handled_total[${R}]))`] },
      { title: 'NATS handling p95 by service', unit: 's', legend: '{{service}}', exprs: [p95('af_message_handle_duration_seconds', 'service')] },
      { title: 'Heartbeats received/s by service', legend: '{{service}}', exprs: [`sum by (service) (rate(af_mesh_heartbeats_received_total[${R}]))`] },
      { title: 'HTTP requests in flight / shed', legend: '{{service}}', exprs: ['sum by (service) (af_http_requests_in_flight)', `sum by (service) (rate(af_http_requests_shed_total[${R}]))`] },
      { title: 'Event loop lag p99', unit: 's', legend: '{{service}}', exprs: ['max by (service) (af_nodejs_eventloop_lag_p99_seconds)'] },
      { title: 'Resident memory', unit: 'bytes', legend: '{{service}}', exprs: ['sum by (service) (af_process_resident_memory_bytes)'] },
      { title: 'CPU (cores)', legend: '{{service}}', exprs: [`sum by (service) (rate(af_process_cpu_seconds_total[${R}]))`] },
    ],
  },
  runs: {
    uid: 'af-runs',
    title: 'Agent Factory / Runs and queue depth',
    description: 'Runs submitted, dispatched, finished; the work queue, waiting time, dead letters.',
    panels: [
      { title: 'Work queue depth (pending + ack pending)', type: 'stat', exprs: ['max(af_pool_queue_depth)'] },
      { title: 'Runs waiting for dispatch', type: 'stat', exprs: [zero('sum(af_runs_waiting)')] },
      { title: 'Runs dispatched, not finished', type: 'stat', exprs: [zero('sum(af_runs_dispatched_open)')] },
      { title: 'Runs submitted/s by agent', unit: 'ops', legend: '{{agent}} canary={{canary}}', exprs: [`sum by (agent, canary) (rate(af_runs_submitted_total[${R}]))`] },
      { title: 'Runs finished/s by status', unit: 'ops', legend: '{{status}}', exprs: [`sum by (status) (rate(af_runs_finished_total[${R}]))`] },
      { title: 'Run failure ratio', unit: 'percentunit', exprs: [`(sum(rate(af_runs_finished_total{status="failed"}[${R}])) or on() vector(0)) / sum(rate(af_runs_finished_total[${R}]))`] },
      { title: 'Run transitions/s by status entered', unit: 'ops', legend: '{{to}}', exprs: [`sum by (to) (rate(af_run_transitions_total[${R}]))`] },
      { title: 'Runs dispatched/s by priority', unit: 'ops', legend: '{{priority}}', exprs: [`sum by (priority) (rate(af_runs_dispatched_total[${R}]))`] },
      { title: 'Queue time p95 (queued → running)', unit: 's', exprs: [p95('af_run_queue_seconds')] },
      { title: 'Dispatch lag p95 by priority', unit: 's', legend: '{{priority}}', exprs: [p95('af_run_dispatch_lag_seconds', 'priority')] },
      { title: 'Run duration p95 by status', unit: 's', legend: '{{status}}', exprs: [p95('af_run_duration_seconds', 'status')] },
      { title: 'Admission refusals/s', unit: 'ops', exprs: [`sum(rate(af_runs_admission_refused_total[${R}]))`] },
      { title: 'Dead letters (1h) by source and stream', legend: '{{source}} {{stream}}', exprs: [zero('sum by (source, stream) (increase(af_dead_letters_total[1h]))'), 'sum(increase(af_dead_letters_retried_total[1h]))'] },
      { title: 'Reconciler repairs (1h)', legend: '{{action}} {{status}}', exprs: [zero('sum by (action, status) (increase(af_reconciler_repairs_total[1h]))')] },
      { title: 'Cancellations and idempotent replays/s', unit: 'ops', exprs: [`sum(rate(af_runs_cancelled_total[${R}]))`, `sum(rate(af_runs_submit_replayed_total[${R}]))`] },
      { title: 'Runs parked / resumed (1h)', legend: '{{outcome}}{{decision}}', exprs: [zero('sum by (outcome) (increase(af_runs_parked_total[1h]))'), zero('sum by (decision) (increase(af_runs_resumed_total[1h]))')] },
    ],
  },
  agents: {
    uid: 'af-agents',
    title: 'Agent Factory / Agents: health, cost, versions',
    description: 'Per agent: runs and canaries; agent versions by health; deployments and rollbacks; model cost and budgets.',
    panels: [
      { title: 'Agent versions by health state', legend: '{{state}}', exprs: [zero('sum by (state) (af_health_agent_versions)')] },
      { title: 'Unhealthy verdicts (1h)', type: 'stat', exprs: ['sum(increase(af_health_unhealthy_events_total[1h]))'] },
      { title: 'Runs/s by agent and canary', unit: 'ops', legend: '{{agent}} canary={{canary}}', exprs: [`sum by (agent, canary) (rate(af_runs_submitted_total[${R}]))`] },
      { title: 'Deployments (1h) by outcome', legend: '{{outcome}}', exprs: ['sum by (outcome) (increase(af_deployments_total[1h]))'] },
      { title: 'Rollbacks (1h) by reason', legend: '{{reason}}', exprs: [zero('sum by (reason) (increase(af_deployment_rollbacks_total[1h]))')] },
      { title: 'Deployment swap p95', unit: 's', exprs: [p95('af_deployment_swap_seconds')] },
      { title: 'Eval cases (1h) by outcome', legend: '{{outcome}}', exprs: [zero('sum by (outcome) (increase(af_deployment_eval_cases_total[1h]))'), zero('sum by (outcome) (increase(af_worker_eval_cases_total[1h]))')] },
      { title: 'Model cost USD/h by provider and model (settled)', unit: 'currencyUSD', legend: '{{provider}}/{{model}}', exprs: ['sum by (provider, model) (rate(af_model_cost_usd_total[1h])) * 3600'] },
      { title: 'Model cost USD (1h): actual vs worst-case estimate', unit: 'currencyUSD', legend: '{{provider}}/{{model}}', exprs: ['sum by (provider, model) (increase(af_worker_model_cost_usd_total[1h]))', 'sum by (provider, model) (increase(af_worker_model_estimated_cost_usd_total[1h]))'] },
      { title: 'Model tokens/s by kind', legend: '{{provider}}/{{model}} {{kind}}', exprs: [`sum by (provider, model, kind) (rate(af_worker_model_tokens_total[${R}]))`] },
      { title: 'Model calls/s by outcome', unit: 'ops', legend: '{{provider}}/{{model}} {{outcome}}', exprs: [`sum by (provider, model, outcome) (rate(af_worker_model_calls_total[${R}]))`] },
      { title: 'Model call p95 by provider', unit: 's', legend: '{{provider}}', exprs: [p95('af_worker_model_call_duration_seconds', 'provider')] },
      { title: 'Budget reservations/s by outcome', unit: 'ops', legend: '{{outcome}}', exprs: [zero(`sum by (outcome) (rate(af_budget_reservations_total[${R}]))`)] },
      { title: 'Budget refusals (1h) by scope', legend: '{{scope}} {{period}}', exprs: [zero('sum by (scope, period) (increase(af_budget_refusals_total[1h]))'), zero('sum by (scope) (increase(af_model_budget_refusals_total[1h]))')] },
      { title: 'Escalations pending by kind', legend: '{{kind}}', exprs: [zero('sum by (kind) (af_escalations_pending)')] },
    ],
  },
  workers: {
    uid: 'af-workers',
    title: 'Agent Factory / Workers and autoscaling',
    description: 'The worker pool (pool manager), worker liveness, run execution, sandbox and artifact cache.',
    panels: [
      { title: 'Workers running vs desired', legend: '{{__name__}}', exprs: ['max(af_pool_workers)', 'max(af_pool_workers_desired)'] },
      { title: 'Work queue depth', exprs: ['max(af_pool_queue_depth)'] },
      { title: 'Queue depth per worker', exprs: ['max(af_pool_queue_depth) / clamp_min(max(af_pool_workers), 1)'] },
      { title: 'Scale events (1h) by direction', legend: '{{direction}}', exprs: [zero('sum by (direction) (increase(af_pool_scale_events_total[1h]))')] },
      { title: 'Worker exits (1h) by reason', legend: '{{reason}}', exprs: [zero('sum by (reason) (increase(af_pool_worker_exits_total[1h]))')] },
      { title: 'Workers by heartbeat state', legend: '{{state}}', exprs: ['sum by (state) (af_health_workers)'] },
      { title: 'Runs executed/s by outcome', unit: 'ops', legend: '{{outcome}}', exprs: [`sum by (outcome) (rate(af_worker_runs_total[${R}]))`] },
      { title: 'Run execution p95', unit: 's', legend: '{{outcome}}', exprs: [p95('af_worker_run_duration_seconds', 'outcome')] },
      { title: 'Artifact cache lookups/s', unit: 'ops', legend: '{{layer}} {{result}}', exprs: [`sum by (layer, result) (rate(af_worker_artifact_cache_total[${R}]))`] },
      { title: 'Artifact warm-ups (1h)', legend: '{{reason}} {{outcome}}', exprs: [zero('sum by (reason, outcome) (increase(af_worker_artifacts_warmed_total[1h]))')] },
      { title: 'Sandbox kills (1h) by reason', legend: '{{reason}}', exprs: [zero('sum by (reason) (increase(af_worker_sandbox_kills_total[1h]))')] },
      { title: 'Tool calls/s by kind and outcome', unit: 'ops', legend: '{{kind}} {{outcome}}', exprs: [zero(`sum by (kind, outcome) (rate(af_worker_tool_calls_total[${R}]))`)] },
      { title: 'Policy decisions (1h)', legend: '{{decision}} {{rule}}', exprs: [zero('sum by (decision, rule) (increase(af_worker_policy_decisions_total[1h]))')] },
      { title: 'Model circuit breakers (0 closed, 1 half-open, 2 open)', legend: '{{provider}}', exprs: [zero('max by (provider) (af_worker_model_breaker_state)')] },
      { title: 'Memory loading steps (1h) by outcome', legend: '{{outcome}}', exprs: [zero('sum by (outcome) (increase(af_worker_memory_loads_total[1h]))')] },
    ],
  },
  gateway: {
    uid: 'af-gateway',
    title: 'Agent Factory / Gateway',
    description: 'The public API: traffic and latency by route, errors, authentication, rate limits.',
    panels: [
      { title: 'Requests/s by route and status', unit: 'reqps', legend: '{{method}} {{route}} {{status}}', exprs: [`sum by (method, route, status) (rate(af_http_requests_total{service="gateway"}[${R}]))`] },
      { title: '5xx ratio', unit: 'percentunit', exprs: [errRatio('service="gateway",', 'service')] },
      { title: 'p95 latency by route', unit: 's', legend: '{{method}} {{route}}', exprs: [p95('af_http_request_duration_seconds', 'method, route', 'service="gateway"')] },
      { title: 'Requests in flight / shed', exprs: ['sum(af_http_requests_in_flight{service="gateway"})', `sum(rate(af_http_requests_shed_total{service="gateway"}[${R}]))`] },
      { title: 'Auth failures (1h) by reason', legend: '{{reason}} audited={{audited}}', exprs: [zero('sum by (reason, audited) (increase(af_gateway_auth_failures_total[1h]))')] },
      { title: 'Rate limited (1h) by plan and reason', legend: '{{plan}} {{reason}}', exprs: [zero('sum by (plan, reason) (increase(af_gateway_rate_limited_total[1h]))')] },
      { title: 'Rate-limit checks Redis could not answer (1h)', legend: '{{operation}} {{mode}}', exprs: [zero('sum by (operation, mode) (increase(af_gateway_rate_limit_redis_failures_total[1h]))')] },
      { title: 'API key lookups/s by result', unit: 'ops', legend: '{{result}}', exprs: [zero(`sum by (result) (rate(af_gateway_api_key_lookups_total[${R}]))`)] },
    ],
  },
  dependencies: {
    uid: 'af-dependencies',
    title: 'Agent Factory / Dependencies',
    description: 'NATS, Redis, PostgreSQL, Neo4j and model providers as the services see them (no exporters of their own are scraped).',
    panels: [
      { title: 'NATS connection events (1h)', legend: '{{service}} {{type}}', exprs: [zero('sum by (service, type) (increase(af_nats_connection_events_total[1h]))')] },
      { title: 'NATS handler errors/s by service', unit: 'ops', legend: '{{service}} {{outcome}}', exprs: [zero(`sum by (service, outcome) (rate(af_messages_handled_total{outcome!="ok"}[${R}]))`)] },
      { title: 'Redis cache errors (1h)', legend: '{{service}} {{cache}}', exprs: [zero('sum by (service, cache) (increase(af_cache_errors_total[1h]))')] },
      { title: 'Compilation cache lookups/s', unit: 'ops', legend: '{{op}} {{layer}} {{result}}', exprs: [zero(`sum by (op, layer, result) (rate(af_compilation_cache_total[${R}]))`)] },
      { title: 'Validation cache lookups/s', unit: 'ops', legend: '{{result}}', exprs: [zero(`sum by (result) (rate(af_validation_cache_lookups_total[${R}]))`)] },
      { title: 'Compile p95 by outcome', unit: 's', legend: '{{outcome}}', exprs: [p95('af_compilation_compile_duration_seconds', 'outcome')] },
      { title: 'Validation p95', unit: 's', legend: 'cached={{cached}}', exprs: [p95('af_validation_duration_seconds', 'cached')] },
      { title: 'Memory store / search p95 by tier (PostgreSQL, Redis, Neo4j)', unit: 's', legend: '{{tier}}', exprs: [zero(p95('af_memory_store_duration_seconds', 'tier')), zero(p95('af_memory_search_duration_seconds', 'tier'))] },
      { title: 'Memory tier failures (1h)', legend: '{{tier}} {{code}}', exprs: [zero('sum by (tier, code) (increase(af_memory_tier_failures_total[1h]))')] },
      { title: 'Model provider calls/s by outcome', unit: 'ops', legend: '{{provider}} {{outcome}}', exprs: [`sum by (provider, outcome) (rate(af_worker_model_calls_total[${R}]))`] },
      { title: 'Secret resolutions (1h) by outcome', legend: '{{outcome}}', exprs: [zero('sum by (outcome) (increase(af_secret_resolutions_total[1h]))')] },
      { title: 'Webhook delivery attempts (1h) by result', legend: '{{result}}', exprs: [zero('sum by (result) (increase(af_webhook_delivery_attempts_total[1h]))')] },
      { title: 'Audit records/s by result', unit: 'ops', legend: '{{result}}', exprs: [`sum by (result) (rate(af_audit_records_total[${R}]))`] },
      { title: 'Trigger fires (1h)', legend: '{{type}} {{outcome}}', exprs: [zero('sum by (type, outcome) (increase(af_trigger_fires_total[1h]))')] },
    ],
  },
};

function panelJson(p, i) {
  const type = p.type ?? 'timeseries';
  const w = type === 'stat' ? 8 : 12;
  return {
    id: i + 1,
    type,
    title: p.title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: type === 'stat' ? 4 : 8, w, x: 0, y: i * 8 },
    fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
    options: type === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: p.exprs.map((expr, j) => ({ refId: String.fromCharCode(65 + j), datasource: { type: 'prometheus', uid: '${datasource}' }, expr, ...(p.legend ? { legendFormat: p.legend } : {}) })),
  };
}

/** Lays panels out left to right, two timeseries (or three stats) a row. */
function layout(panels) {
  let x = 0, y = 0, rowH = 0;
  for (const p of panels) {
    if (x + p.gridPos.w > 24) { x = 0; y += rowH; rowH = 0; }
    p.gridPos.x = x; p.gridPos.y = y; x += p.gridPos.w; rowH = Math.max(rowH, p.gridPos.h);
  }
  return panels;
}

for (const [file, d] of Object.entries(dashboards)) {
  const json = {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['agent-factory'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-1h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }] },
    annotations: { list: [] },
    panels: layout(d.panels.map(panelJson)),
  };
  writeFileSync(join(import.meta.dirname, 'dashboards', `${file}.json`), JSON.stringify(json, null, 2) + '\n');
}
