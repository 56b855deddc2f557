import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { checkTerraformTree, parseTf, workspaceRoot } from './checks.js';

const terraform = join(workspaceRoot, 'terraform');
const scratch = mkdtempSync(join(tmpdir(), 'terraform-checks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of terraform/ with one file edited: the checks must name what the edit broke. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(terraform, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing: the test would prove nothing`);
  writeFileSync(path, after);
  return dir;
}
const messages = async (dir: string) => (await checkTerraformTree(dir)).map((p) => `${p.file}: ${p.message}`);

describe('terraform/', () => {
  it('passes every check (typed, described variables; pinned sources; modules wired; k8s outputs declared)', async () => {
    expect(await messages(terraform)).toEqual([]);
  });

  it('parses with the HCL parser and refuses text that is not HCL', async () => {
    await expect(parseTf('bad.tf', 'variable "x" {\n  type = \n')).rejects.toThrow(/bad\.tf: not valid HCL/);
  });
});

describe('a deliberately broken terraform/ fails', () => {
  it('an untyped variable', async () => {
    const dir = brokenCopy('modules/network/variables.tf', (t) => t.replace('  type        = bool\n  description = "One NAT gateway', '  description = "One NAT gateway'));
    expect(await messages(dir)).toEqual([expect.stringMatching(/modules\/network\/variables\.tf: variable "single_nat_gateway" has no type/)]);
  });

  it('a variable without a description', async () => {
    const dir = brokenCopy('modules/data/variables.tf', (t) => t.replace(/(variable "vpc_id" \{\n  type        = string\n)  description = "[^"]*"\n/, '$1'));
    expect(await messages(dir)).toEqual([expect.stringMatching(/modules\/data\/variables\.tf: variable "vpc_id" has no description/)]);
  });

  it('a module the example root does not wire', async () => {
    const dir = brokenCopy('examples/aws/main.tf', (t) => t.replace(/module "data" \{[\s\S]*?\n\}\n/, ''));
    const found = await messages(dir);
    expect(found).toContainEqual(expect.stringMatching(/module \.\.\/\.\.\/modules\/data is not wired into the example root/));
    expect(found).toContainEqual(expect.stringMatching(/module\.data\.db_endpoint: no module "data" here/));
  });

  it('a required variable the root does not pass, and an argument the module does not declare', async () => {
    const dir = brokenCopy('examples/aws/main.tf', (t) => t.replace('  vpc_id                        = module.network.vpc_id\n', '  vpc                           = module.network.vpc_id\n'));
    expect(await messages(dir)).toEqual([
      expect.stringMatching(/module "data" does not set required variable "vpc_id"/),
      expect.stringMatching(/module "data" sets "vpc", which \.\.\/\.\.\/modules\/data does not declare/),
    ]);
  });

  it('a registry module without a pinned version', async () => {
    const dir = brokenCopy('modules/network/main.tf', (t) => t.replace('version = "5.21.0"', 'version = "~> 5.0"'));
    expect(await messages(dir)).toEqual([expect.stringMatching(/module "vpc": registry source terraform-aws-modules\/vpc\/aws must be pinned to an exact version/)]);
  });

  it('a local module source that does not exist, and a git source', async () => {
    const missing = brokenCopy('examples/aws/main.tf', (t) => t.replace('source = "../../modules/eks"', 'source = "../../modules/ekss"'));
    expect(await messages(missing)).toContainEqual(expect.stringMatching(/module "eks": local source \.\.\/\.\.\/modules\/ekss does not exist/));
    const git = brokenCopy('modules/eks/main.tf', (t) => t.replace('source  = "terraform-aws-modules/eks/aws"', 'source  = "git::https://example.com/eks.git"'));
    expect(await messages(git)).toContainEqual(expect.stringMatching(/module "eks": source git::https:\/\/example\.com\/eks\.git is neither local nor a registry module/));
  });

  it('an output the Kubernetes layer reads that is not declared, or wired to a module output that does not exist', async () => {
    const missing = brokenCopy('examples/aws/outputs.tf', (t) => t.replace(/output "redis_endpoint" \{[\s\S]*?\n\}\n/, ''));
    expect(await messages(missing)).toEqual([expect.stringMatching(/output "redis_endpoint" \(read by the Kubernetes layer, k8s-outputs\.json\) is not declared/)]);
    const dangling = brokenCopy('modules/data/outputs.tf', (t) => t.replace('output "db_endpoint"', 'output "postgres_endpoint"'));
    expect(await messages(dangling)).toEqual([expect.stringMatching(/module\.data\.db_endpoint: \.\.\/\.\.\/modules\/data has no output "db_endpoint"/)]);
  });
});
