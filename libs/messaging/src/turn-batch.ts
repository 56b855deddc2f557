/**
 * Sends queued in the same turn of the event loop leave in one socket write.
 *
 * nats.js writes its outbound buffer in a microtask after the first command of a batch; handlers
 * and publishers finishing on separate promise chains of one turn each start a batch of their
 * own, so 64 acks of one turn cost up to 64 `write()` calls. `atTurnEnd(fn)` runs `fn` at the end
 * of the current turn (`setImmediate`) together with every other one queued in that turn: their
 * protocol lines are buffered back to back and written once. The delay is one turn (microseconds
 * on an idle process); the caller still awaits `fn`'s outcome.
 */
const queued: Array<() => void> = [];
let scheduled = false;

export function atTurnEnd<T>(fn: () => T): Promise<Awaited<T>> {
  return new Promise<Awaited<T>>((resolve, reject) => {
    queued.push(() => {
      try {
        resolve(fn() as Awaited<T>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    if (!scheduled) {
      scheduled = true;
      setImmediate(runQueued);
    }
  });
}

function runQueued(): void {
  scheduled = false;
  for (const fn of queued.splice(0)) fn();
}
