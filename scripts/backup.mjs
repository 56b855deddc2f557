#!/usr/bin/env node
// npm run backup -- --out <dir> [--namespace <ns>] [--tenant <id>]... [--skip-neo4j]
// What is in a backup and how to restore it: README "Backup and restore", tools/backup/src/backup.mjs.
import { backup } from '../tools/backup/src/backup.mjs';
import { UsageError, backupOptions } from '../tools/backup/src/options.mjs';

try {
  const manifest = await backup(backupOptions(process.argv.slice(2), process.env), (line) => console.log(line));
  console.log(`backup written (${Object.keys(manifest.files).length} files, manifest.json)`);
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError || (error instanceof Error && error.name === 'TypeError' && 'code' in error) ? 2 : 1;
}
