import { spawn } from 'node:child_process';

/** isolated-vm on Node ≥ 20 requires Node's startup snapshot to be off (see its README). */
export const REQUIRED_NODE_FLAG = '--no-node-snapshot';

export function hasRequiredNodeFlag(): boolean {
  return process.execArgv.includes(REQUIRED_NODE_FLAG) || (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(REQUIRED_NODE_FLAG);
}

/**
 * When started without the flag (`node dist/main.js`), runs the same entry point again in a child
 * process with it, forwarding signals and the exit code, so every way of starting the worker works.
 * Returns true when the caller must not boot (the child does).
 */
export function relaunchWithRequiredFlag(): boolean {
  if (hasRequiredNodeFlag()) return false;
  const child = spawn(process.execPath, [REQUIRED_NODE_FLAG, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
  return true;
}
