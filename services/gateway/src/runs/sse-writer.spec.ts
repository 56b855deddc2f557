import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { SseWriter } from './sse-writer.js';

/** A real Writable whose reader is stalled until `release()`: `write` answers false past 1 byte. */
function slowClient() {
  const received: string[] = [];
  const pending: (() => void)[] = [];
  let stalled = true;
  const sink = new Writable({
    highWaterMark: 1,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      received.push(chunk);
      if (stalled) pending.push(done);
      else done();
    },
  });
  const release = () => {
    stalled = false;
    for (const done of pending.splice(0)) done();
  };
  const events = () => received.map((f) => /^event: (\w+)$/m.exec(f)?.[1] + (/^data: (.*)$/m.exec(f)?.[1] ?? ''));
  return { sink, release, events, received };
}

const tick = () => new Promise((r) => setImmediate(r));

describe(SseWriter.name, () => {
  it('writes the head first, then what waited before start, then live frames in order; transitions keep their ids, tokens have none', () => {
    const { sink, received } = slowClient();
    sink.write = ((chunk: string) => (received.push(chunk), true)) as typeof sink.write;
    const sut = new SseWriter(sink, 10);
    sut.sendDroppable('token', { index: 0 });
    sut.start([{ event: 'transition', data: { seq: 1 }, id: 1 }]);
    sut.send('transition', { seq: 2 }, 2);
    sut.sendDroppable('token', { index: 1 });
    expect(received).toEqual(['id: 1\nevent: transition\ndata: {"seq":1}\n\n', 'event: token\ndata: {"index":0}\n\n', 'id: 2\nevent: transition\ndata: {"seq":2}\n\n', 'event: token\ndata: {"index":1}\n\n']);
  });

  it('a lagging client loses tokens past the bound, is told once how many, and loses no transition', async () => {
    const client = slowClient();
    const sut = new SseWriter(client.sink, 3);
    sut.start();
    sut.sendDroppable('token', { index: 0 }); // written: the sink now answers false (lagging)
    for (let i = 1; i <= 10; i++) sut.sendDroppable('token', { index: i }); // 1..3 wait, 4..10 dropped
    sut.send('transition', { seq: 5 }, 5);
    sut.sendDroppable('token', { index: 11 }); // still dropping until the client caught up
    expect(sut.droppedPending).toBe(8);
    client.release();
    await tick();
    sut.sendDroppable('token', { index: 12 });
    await tick();
    expect(client.events()).toEqual([
      'token{"index":0}',
      'token{"index":1}',
      'token{"index":2}',
      'token{"index":3}',
      'token_dropped{"dropped":8}',
      'transition{"seq":5}',
      'token{"index":12}',
    ]);
    expect(sut.droppedPending).toBe(0);
  });

  it('finish() hands everything still waiting to the sink, the drop notice included', async () => {
    const client = slowClient();
    const sut = new SseWriter(client.sink, 1);
    sut.start();
    sut.sendDroppable('token', { index: 0 });
    sut.sendDroppable('token', { index: 1 });
    sut.sendDroppable('token', { index: 2 });
    sut.send('end', { final: true });
    sut.finish();
    client.release();
    await tick();
    expect(client.events()).toEqual(['token{"index":0}', 'token{"index":1}', 'token_dropped{"dropped":1}', 'end{"final":true}']);
  });
});
