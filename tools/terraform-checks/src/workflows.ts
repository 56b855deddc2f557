// Checks of .github/workflows: the release builds an image for every service of the contracts,
// CI runs the same entry point as .ci/run, and no workflow carries a secret other than the
// GITHUB_TOKEN GitHub issues per run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serviceNames } from '@af/contracts';

type Loose = Record<string, unknown>;

export function checkReleaseWorkflow(text: string, services: readonly string[] = serviceNames): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Loose;
  const image = ((doc.jobs ?? {}) as Loose).image as Loose | undefined;
  const matrix = ((((image?.strategy ?? {}) as Loose).matrix ?? {}) as Loose).service;
  const listed = Array.isArray(matrix) ? (matrix as string[]) : [];
  for (const s of services) if (!listed.includes(s)) problems.push(`release: no image for service "${s}"`);
  for (const s of listed) if (!services.includes(s)) problems.push(`release: "${s}" is not a service of the contracts`);
  const steps = (image?.steps ?? []) as Loose[];
  const build = steps.find((s) => String(s.uses ?? '').startsWith('docker/build-push-action'));
  const withArgs = (build?.with ?? {}) as Loose;
  if (withArgs.file !== 'deploy/docker/Dockerfile') problems.push('release: images must be built from deploy/docker/Dockerfile');
  if (!String(withArgs.provenance ?? '').includes('mode=max')) problems.push('release: build without provenance (provenance: mode=max)');
  return problems;
}

export function checkCiWorkflow(text: string): string[] {
  const steps = Object.values(((parse(text) as Loose).jobs ?? {}) as Record<string, Loose>).flatMap((job) => (job.steps ?? []) as Loose[]);
  return steps.some((s) => String(s.run ?? '').trim() === 'bash .ci/run') ? [] : ['ci: no step runs `bash .ci/run` (the same as local CI)'];
}

/** Only ${{ secrets.GITHUB_TOKEN }}; no AWS keys, tokens or private keys written into a workflow. */
export function checkNoSecrets(name: string, text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) if (m[1] !== 'GITHUB_TOKEN') problems.push(`${name}: uses secrets.${m[1]}; only the per-run GITHUB_TOKEN is allowed`);
  if (/AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}/.test(text)) problems.push(`${name}: contains what looks like a credential`);
  return problems;
}

export function checkWorkflows(root: string): string[] {
  const read = (f: string) => readFileSync(join(root, '.github/workflows', f), 'utf8');
  const ci = read('ci.yml');
  const release = read('release.yml');
  return [...checkCiWorkflow(ci), ...checkReleaseWorkflow(release), ...checkNoSecrets('ci.yml', ci), ...checkNoSecrets('release.yml', release)];
}
