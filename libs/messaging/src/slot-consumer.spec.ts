import { describe, expect, it, jest } from '@jest/globals';
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { SlotConsumer, handBackSignalOf } from './slot-consumer.js';

/** A JsMsg stand-in recording how it was settled. */
function fakeMsg(seq: number) {
  const settled: string[] = [];
  const msg = {
    seq,
    subject: 'test.slots',
    data: new TextEncoder().encode(`m${seq}`),
    headers: undefined,
    info: { deliveryCount: 1 },
    ack: () => settled.push('ack'),
    nak: () => settled.push('nak'),
    term: () => settled.push('term'),
    working: () => settled.push('working'),
    next: () => settled.push('next'),
    ackAck: () => Promise.resolve(true),
  } as unknown as JsMsg;
  return { msg, settled };
}

/** A pull consumer over a list of messages: each fetch yields up to max_messages of what is left, at once. */
function fakeConsumer(messages: JsMsg[]) {
  const pulls: number[] = [];
  const consumer = {
    fetch: ({ max_messages }: { max_messages: number }) => {
      pulls.push(max_messages);
      const batch = messages.splice(0, max_messages);
      const iter = (async function* () {
        for (const m of batch) yield m;
        // Nothing left: behave like a pull that waits until it expires.
        if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      })();
      return Promise.resolve(Object.assign(iter, { close: () => Promise.resolve() }) as unknown as ConsumerMessages);
    },
  } as unknown as Consumer;
  return { consumer, pulls };
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe(SlotConsumer.name, () => {
  it('holds at most `concurrency` messages and pulls freed slots together', async () => {
    const msgs = Array.from({ length: 12 }, (_, i) => fakeMsg(i + 1));
    const { consumer, pulls } = fakeConsumer(msgs.map((m) => m.msg));
    const release: Array<() => void> = [];
    let held = 0;
    let maxHeld = 0;
    const sut = new SlotConsumer(consumer, { concurrency: 8, heartbeatMs: 60_000, gatherMs: 50 }, async (msg) => {
      maxHeld = Math.max(maxHeld, ++held);
      await new Promise<void>((resolve) => release.push(resolve));
      held--;
      msg.ack();
    });
    sut.start();
    await tick();
    expect(pulls).toEqual([8]);
    // One slot free: below the threshold (8 / 4 = 2), so no pull yet; a second one makes it worth one.
    release.shift()?.();
    await tick();
    expect(pulls).toEqual([8]);
    release.shift()?.();
    await tick();
    expect(pulls).toEqual([8, 2]);
    expect(maxHeld).toBe(8);
    while (release.length) release.shift()?.();
    await tick(100);
    while (release.length) release.shift()?.();
    await sut.stop();
    expect(maxHeld).toBe(8);
    expect(msgs.filter((m) => m.settled.includes('ack'))).toHaveLength(12);
  });

  it('a lone free slot is pulled for after gatherMs', async () => {
    const msgs = Array.from({ length: 5 }, (_, i) => fakeMsg(i + 1));
    const { consumer, pulls } = fakeConsumer(msgs.map((m) => m.msg));
    const release: Array<() => void> = [];
    const sut = new SlotConsumer(consumer, { concurrency: 4, pullThreshold: 4, heartbeatMs: 60_000, gatherMs: 30 }, async (msg) => {
      await new Promise<void>((resolve) => release.push(resolve));
      msg.ack();
    });
    sut.start();
    await tick();
    release.shift()?.();
    await tick();
    expect(pulls).toEqual([4]);
    await tick(60);
    expect(pulls).toEqual([4, 1]);
    while (release.length) release.shift()?.();
    await sut.stop();
  });

  it('hands back what it holds (nak, signal aborted) and then ignores the handler’s own ack', async () => {
    const m = fakeMsg(1);
    const { consumer } = fakeConsumer([m.msg]);
    let seen: JsMsg | undefined;
    let release!: () => void;
    let abortedWhenDone: boolean | undefined;
    let ackAckAfter: boolean | undefined;
    const handled = jest.fn<(msg: JsMsg, signal: AbortSignal) => Promise<void>>(async (msg, signal) => {
      seen = msg;
      await new Promise<void>((resolve) => (release = resolve));
      abortedWhenDone = signal.aborted;
      msg.ack();
      msg.term();
      ackAckAfter = await msg.ackAck();
    });
    const sut = new SlotConsumer(consumer, { concurrency: 1, heartbeatMs: 60_000 }, handled);
    sut.start();
    await tick();
    expect(seen?.seq).toBe(1);
    expect(seen?.subject).toBe('test.slots');
    expect(seen ? handBackSignalOf(seen)?.aborted : undefined).toBe(false);
    const stopping = sut.stop();
    expect(sut.handBack()).toBe(1);
    expect(seen ? handBackSignalOf(seen)?.aborted : undefined).toBe(true);
    release();
    await stopping;
    await tick();
    expect(handled).toHaveBeenCalledTimes(1);
    expect(abortedWhenDone).toBe(true);
    expect(ackAckAfter).toBe(false);
    expect(m.settled).toEqual(['nak']);
  });
});
