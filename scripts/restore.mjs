#!/usr/bin/env node
// npm run restore -- --in <dir> --namespace <ns> --database-url <fresh database> [--replace-graph] [--skip-neo4j]
// Where each part goes: README "Backup and restore", tools/backup/src/restore.mjs.
import { restore } from '../tools/backup/src/restore.mjs';
import { UsageError, restoreOptions } from '../tools/backup/src/options.mjs';

try {
  await restore(restoreOptions(process.argv.slice(2), process.env), (line) => console.log(line));
  console.log('restore done');
} catch (error) {
  console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof UsageError || (error instanceof Error && error.name === 'TypeError' && 'code' in error) ? 2 : 1;
}
