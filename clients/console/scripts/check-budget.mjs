#!/usr/bin/env node
// The console's load budget (issue 15: first load ≤ 300 KB of compressed JS for the shell), checked
// after every `vite build`: the entry chunk and everything it imports statically, gzip-compressed as
// the gateway serves it. Pages (the editor with Monaco, charts) are dynamic imports: not counted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 300 * 1024;
const dist = join(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk in the Vite manifest, found ${entries.length}`);

const seen = new Set();
const visit = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) visit(imported);
};
visit(entries[0][0]);

let total = 0;
const rows = [];
for (const key of seen) {
  const file = manifest[key].file;
  if (!file.endsWith('.js')) continue;
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
  total += size;
  rows.push(`  ${(size / 1024).toFixed(1).padStart(7)} KB  ${file}`);
}
console.log(`console shell (entry + static imports), gzip:\n${rows.join('\n')}\n  ${(total / 1024).toFixed(1).padStart(7)} KB  total (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) {
  console.error(`the console's first load is ${(total / 1024).toFixed(1)} KB of compressed JS, over the ${BUDGET_BYTES / 1024} KB budget: load the new code lazily (a route's page, a chart, the editor)`);
  process.exit(1);
}
