import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { createKafka, OutboxRelay } from '@prm/messaging';
import { generateEvents } from '@prm/metrics';
import type { RecordedEvent } from '@prm/contracts';

/*
 * The writing side of the live-lag benchmark, on its own thread as it is in production on its
 * own process (the partners and deals services append; their outbox relay publishes): appends
 * the generated events at a fixed rate and relays them to Kafka. For each append it posts the
 * appended stream versions with the wall-clock time the append resolved.
 */

export interface LagWriterInput {
  url: string;
  brokers: string[];
  suffix: string;
  /** context → its topic's context name for this run. */
  contexts: Record<string, string>;
  partners: number;
  events: number;
  rate: number;
}

export type LagWriterMessage =
  | { kind: 'appended'; keys: string[]; at: number }
  | { kind: 'started'; events: number }
  | { kind: 'done' }
  | { kind: 'failed'; error: string };

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
export const wallNow = () => performance.timeOrigin + performance.now();

async function run(input: LagWriterInput): Promise<void> {
  const post = (m: LagWriterMessage) => parentPort!.postMessage(m);
  const events = generateEvents({ partners: input.partners, events: input.events, seed: 99 });
  const db = new PostgresDatabase(input.url, { max: 4 });
  const store = await SqlEventStore.create(db);
  const kafka = createKafka({ brokers: input.brokers, clientId: `metrics-bench-writer-${input.suffix}` });
  const relay = new OutboxRelay(store, db, kafka, {
    name: `bench-${input.suffix}`,
    contexts: Object.values(input.contexts),
  });
  await relay.start();
  try {
    post({ kind: 'started', events: events.length });
    const start = performance.now();
    const tick = 10; // ms
    const perTick = (input.rate * tick) / 1000;
    const appends: Array<Promise<void>> = [];
    for (let i = 0; i < events.length; i += perTick) {
      const wait = start + (i / input.rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const byStream = new Map<string, RecordedEvent[]>();
      for (const e of events.slice(i, i + perTick)) {
        const dot = e.streamId.indexOf('.');
        const stream = `${input.contexts[e.streamId.slice(0, dot)]}${e.streamId.slice(dot)}`;
        let list = byStream.get(stream);
        if (!list) byStream.set(stream, (list = []));
        list.push(e);
      }
      for (const [stream, list] of byStream)
        appends.push(
          store
            .append(
              stream,
              list.map((e) => ({
                id: randomUUID(),
                type: e.type,
                schemaVersion: 1,
                data: e.data,
                metadata: e.metadata,
              })),
              'any',
            )
            .then((r) => {
              const at = wallNow();
              const keys: string[] = [];
              for (let v = r.nextExpectedVersion - list.length + 1; v <= r.nextExpectedVersion; v++)
                keys.push(`${stream}@${v}`);
              post({ kind: 'appended', keys, at });
            }),
        );
    }
    await Promise.all(appends);
    await relay.drained();
  } finally {
    await relay.stop();
    await store.close();
    await db.close();
  }
  post({ kind: 'done' });
}

if (parentPort && workerData) {
  run(workerData as LagWriterInput).catch((error: unknown) =>
    parentPort!.postMessage({
      kind: 'failed',
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies LagWriterMessage),
  );
}
