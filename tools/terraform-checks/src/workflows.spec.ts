import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { checkCiWorkflow, checkNoSecrets, checkReleaseWorkflow, checkWorkflows } from './workflows.js';
import { workspaceRoot } from './checks.js';

const release = readFileSync(join(workspaceRoot, '.github/workflows/release.yml'), 'utf8');
const ci = readFileSync(join(workspaceRoot, '.github/workflows/ci.yml'), 'utf8');
const edited = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`edit target not found: ${from}`);
  return text.replace(from, to);
};

describe('.github/workflows', () => {
  it('pass: an image per service with provenance, CI = .ci/run, no secrets', () => {
    expect(checkWorkflows(workspaceRoot)).toEqual([]);
  });

  it('a release matrix missing a service, or listing an unknown one, fails', () => {
    expect(checkReleaseWorkflow(edited(release, '          - triggers\n', '          - trigger\n'))).toEqual([
      'release: no image for service "triggers"',
      'release: "trigger" is not a service of the contracts',
    ]);
  });

  it('a release without provenance or from another Dockerfile fails', () => {
    expect(checkReleaseWorkflow(edited(edited(release, 'provenance: mode=max', 'provenance: false'), 'file: deploy/docker/Dockerfile', 'file: Dockerfile')).sort()).toEqual([
      'release: build without provenance (provenance: mode=max)',
      'release: images must be built from deploy/docker/Dockerfile',
    ]);
  });

  it('a CI that does not run .ci/run fails', () => {
    expect(checkCiWorkflow(edited(ci, 'run: bash .ci/run', 'run: npm run test:unit'))).toEqual(['ci: no step runs `bash .ci/run` (the same as local CI)']);
  });

  it('a workflow with a repository secret or a literal key fails', () => {
    expect(checkNoSecrets('x.yml', edited(release, 'secrets.GITHUB_TOKEN', 'secrets.AWS_SECRET_ACCESS_KEY'))).toEqual(['x.yml: uses secrets.AWS_SECRET_ACCESS_KEY; only the per-run GITHUB_TOKEN is allowed']);
    expect(checkNoSecrets('x.yml', `${ci}\n# AKIAABCDEFGHIJKLMNOP\n`)).toEqual(['x.yml: contains what looks like a credential']);
  });
});
