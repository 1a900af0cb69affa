import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedEvent } from '@prm/contracts';
import { BatchPipeline, type OffsetCommit } from './batch-pipeline';
import type { BusMessage } from './event-bus';

function messages(topic: string, partition: number, from: number, count: number): BusMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    event: { id: `${topic}-${partition}-${from + i}` } as RecordedEvent,
    topic,
    partition,
    offset: String(from + i),
  }));
}

const next = (list: BusMessage[]) => String(Number(list.at(-1)!.offset) + 1);
const tick = () => new Promise((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

function recorder(options: { fail?: (round: number) => boolean; slow?: Promise<void> } = {}) {
  const rounds: string[][] = [];
  const commits: OffsetCommit[] = [];
  const errors: unknown[] = [];
  const pipeline = new BatchPipeline({
    handler: async (batch) => {
      rounds.push(batch.map((m) => m.event.id));
      if (options.slow) await options.slow;
      if (options.fail?.(rounds.length)) throw new Error(`round ${rounds.length} failed`);
    },
    commit: async (offsets) => void commits.push(offsets),
    onError: (error) => errors.push(error),
    maxBatchMessages: 6,
    maxQueuedMessages: 8,
  });
  return { pipeline, rounds, commits, errors };
}

describe('BatchPipeline', () => {
  it('hands the partitions of one fetch to the handler as one batch and commits their offsets together', async () => {
    const { pipeline, rounds, commits } = recorder();
    const a = messages('t1', 0, 10, 2);
    const b = messages('t1', 1, 0, 1);
    const c = messages('t2', 0, 5, 2);
    await Promise.all([
      pipeline.push(a, { topic: 't1', partition: 0, next: next(a) }),
      pipeline.push(b, { topic: 't1', partition: 1, next: next(b) }),
      pipeline.push(c, { topic: 't2', partition: 0, next: next(c) }),
    ]);
    await settle();
    assert.deepEqual(rounds, [['t1-0-10', 't1-0-11', 't1-1-0', 't2-0-5', 't2-0-6']]);
    assert.deepEqual(commits, [
      {
        topics: [
          {
            topic: 't1',
            partitions: [
              { partition: 0, offset: '12' },
              { partition: 1, offset: '1' },
            ],
          },
          { topic: 't2', partitions: [{ partition: 0, offset: '7' }] },
        ],
      },
    ]);
  });

  it('returns from push before the handler finishes (the next fetch overlaps), keeps partition order, and commits the latest offset', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { pipeline, rounds, commits } = recorder({ slow });
    const first = messages('t', 0, 0, 2);
    await pipeline.push(first, { topic: 't', partition: 0, next: next(first) });
    await settle();
    assert.equal(rounds.length, 1, 'the first round is in the handler');
    // Two more fetches of the same partition arrive while the handler is busy.
    const second = messages('t', 0, 2, 2);
    const third = messages('t', 0, 4, 2);
    await pipeline.push(second, { topic: 't', partition: 0, next: next(second) });
    await pipeline.push(third, { topic: 't', partition: 0, next: next(third) });
    assert.equal(commits.length, 0, 'nothing is committed before the handler resolves');
    release();
    await settle();
    assert.deepEqual(rounds, [
      ['t-0-0', 't-0-1'],
      ['t-0-2', 't-0-3', 't-0-4', 't-0-5'],
    ]);
    assert.deepEqual(
      commits.map((c) => c.topics[0]!.partitions[0]!.offset),
      ['2', '6'],
    );
  });

  it('cuts rounds at maxBatchMessages on partition-batch boundaries', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { pipeline, rounds } = recorder({ slow });
    const parts = [0, 1, 2].map((p) => messages('t', p, 0, 4));
    await Promise.all(parts.map((m, p) => pipeline.push(m, { topic: 't', partition: p, next: '4' })));
    release();
    await settle();
    // 4 + 4 > 6: each partition batch is its own round, none is split.
    assert.deepEqual(
      rounds.map((r) => r.length),
      [4, 4, 4],
    );
  });

  it('holds the fetcher back while more than maxQueuedMessages wait', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { pipeline, rounds } = recorder({ slow });
    const busy = messages('t', 0, 0, 1);
    await pipeline.push(busy, { topic: 't', partition: 0, next: '1' });
    await settle();
    const big = messages('t', 0, 1, 9);
    let returned = false;
    const pushed = pipeline.push(big, { topic: 't', partition: 0, next: '10' }).then(() => (returned = true));
    await settle();
    assert.equal(returned, false, '9 queued > 8: push waits');
    release();
    await pushed;
    await settle();
    assert.equal(rounds.length, 2);
  });

  it('after a handler error handles and commits nothing more, and reports the error once', async () => {
    const { pipeline, rounds, commits, errors } = recorder({ fail: (round) => round === 1 });
    const a = messages('t', 0, 0, 2);
    await pipeline.push(a, { topic: 't', partition: 0, next: '2' });
    await settle();
    const b = messages('t', 0, 2, 2);
    await pipeline.push(b, { topic: 't', partition: 0, next: '4' });
    await settle();
    assert.equal(rounds.length, 1);
    assert.equal(commits.length, 0, 'the failed round is not committed');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /round 1 failed/);
  });

  it('a failed commit is logged and the pipeline goes on (the records come again and are skipped)', async () => {
    const lines: string[] = [];
    let commits = 0;
    const handled: string[] = [];
    const pipeline = new BatchPipeline({
      handler: async (batch) => void handled.push(...batch.map((m) => m.offset)),
      commit: async () => {
        if (++commits === 1) throw new Error('The coordinator is not aware of this member');
      },
      onError: () => assert.fail('a commit failure is not a handler failure'),
      log: (line) => lines.push(line),
    });
    await pipeline.push(messages('t', 0, 0, 1), { topic: 't', partition: 0, next: '1' });
    await settle();
    await pipeline.push(messages('t', 0, 1, 1), { topic: 't', partition: 0, next: '2' });
    await settle();
    assert.deepEqual(handled, ['0', '1']);
    assert.equal(commits, 2);
    assert.match(lines[0]!, /offset commit failed \(The coordinator is not aware of this member\)/);
  });

  it('with commitIntervalMs commits the rounds of an interval once (the latest offsets), and close() commits what is pending', async () => {
    const commits: OffsetCommit[] = [];
    const pipeline = new BatchPipeline({
      handler: async () => undefined,
      commit: async (offsets) => void commits.push(offsets),
      onError: () => assert.fail('no error'),
      commitIntervalMs: 60_000,
    });
    for (let i = 0; i < 3; i++) {
      await pipeline.push(messages('t', 0, i, 1), { topic: 't', partition: 0, next: String(i + 1) });
      await settle();
    }
    // The first round commits at once (no commit yet in this interval); the next two wait.
    assert.deepEqual(
      commits.map((c) => c.topics[0]!.partitions[0]!.offset),
      ['1'],
    );
    await pipeline.close();
    assert.deepEqual(
      commits.map((c) => c.topics[0]!.partitions[0]!.offset),
      ['1', '3'],
    );
  });

  it('a slow offset commit does not hold back the next round; commits leave in order and close() waits for them', async () => {
    const rounds: string[] = [];
    const started: string[] = [];
    const done: string[] = [];
    const releases: Array<() => void> = [];
    const pipeline = new BatchPipeline({
      handler: async (batch) => void rounds.push(batch.at(-1)!.offset),
      commit: async (offsets) => {
        const offset = offsets.topics[0]!.partitions[0]!.offset;
        started.push(offset);
        await new Promise<void>((r) => releases.push(r));
        done.push(offset);
      },
      onError: () => assert.fail('no error'),
    });
    await pipeline.push(messages('t', 0, 0, 1), { topic: 't', partition: 0, next: '1' });
    await settle();
    assert.deepEqual(started, ['1'], 'the first round is being committed');
    await pipeline.push(messages('t', 0, 1, 1), { topic: 't', partition: 0, next: '2' });
    await pipeline.push(messages('t', 0, 2, 1), { topic: 't', partition: 0, next: '3' });
    await settle();
    // The two pushes met in one round (its last offset is 2), handled while the first commit is out.
    assert.deepEqual(rounds, ['0', '2'], 'handled while the first commit is still out');
    assert.deepEqual(started, ['1'], 'one commit at a time');
    let closed = false;
    const closing = pipeline.close().then(() => (closed = true));
    for (let i = 0; i < 4; i++) {
      releases.shift()?.();
      await settle();
    }
    await closing;
    assert.ok(closed);
    assert.deepEqual(done, ['1', '3'], 'in order, the second with the latest handled offset');
    assert.deepEqual(started, done);
  });

  it('with lingerMs, batches arriving shortly after the first one join its round', async () => {
    const rounds: number[] = [];
    const pipeline = new BatchPipeline({
      handler: async (batch) => void rounds.push(batch.length),
      commit: async () => undefined,
      onError: () => assert.fail('no error'),
      lingerMs: 40,
    });
    await pipeline.push(messages('t', 0, 0, 1), { topic: 't', partition: 0, next: '1' });
    await new Promise((r) => setTimeout(r, 10));
    await pipeline.push(messages('t', 1, 0, 2), { topic: 't', partition: 1, next: '2' });
    assert.deepEqual(rounds, [], 'still lingering');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(rounds, [3]);
    await pipeline.close();
  });

  it('close() lets the batch in hand finish and drops the queued ones', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { pipeline, rounds, commits } = recorder({ slow });
    await pipeline.push(messages('t', 0, 0, 1), { topic: 't', partition: 0, next: '1' });
    await settle();
    await pipeline.push(messages('t', 0, 1, 1), { topic: 't', partition: 0, next: '2' });
    const closed = pipeline.close();
    release();
    await closed;
    assert.deepEqual(rounds, [['t-0-0']]);
    assert.deepEqual(
      commits.map((c) => c.topics[0]!.partitions[0]!.offset),
      ['1'],
    );
    await pipeline.push(messages('t', 0, 2, 1), { topic: 't', partition: 0, next: '3' });
    await settle();
    assert.equal(rounds.length, 1, 'nothing is taken after close');
  });
});
