/**
 * A type-check worker thread (started by tool-typecheck.pool.ts): parses the standard library once,
 * says it is ready, then checks one blueprint's tool code per message. It reports which tool it is
 * checking before each one, so that when the pool stops it at its deadline the overrun can be
 * attributed to that tool. Nothing here is shared with the service's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { typeCheckTools, warmUpTypeChecker } from './tool-typecheck.js';
import type { TypeCheckJob, TypeCheckReply } from './tool-typecheck.protocol.js';

const port = parentPort;
if (!port) throw new Error('tool-typecheck.worker must run in a worker thread');

warmUpTypeChecker();
port.on('message', (job: TypeCheckJob) => {
  const send = (reply: TypeCheckReply) => port.postMessage(reply);
  try {
    const problems = typeCheckTools(job.tools, (index) => send({ id: job.id, kind: 'checking', index }));
    send({ id: job.id, kind: 'done', problems: [...problems] });
  } catch (error) {
    send({ id: job.id, kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
port.postMessage({ id: 0, kind: 'ready' } satisfies TypeCheckReply);
