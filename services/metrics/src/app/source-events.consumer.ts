import { topicOf, type RecordedEvent } from '@prm/contracts';
import { DuplicateEventIdError, type EventStore } from '@prm/event-store';
import type { ConsumerHandle, EventBus } from '@prm/messaging';

export const SOURCE_EVENTS_GROUP = 'prm.metrics.source-events';

/**
 * Distributed mode: a copy of the events metrics folds (the partners', deals' and mapping
 * topics) in metrics' own event store, under their stream ids and event ids, so time travel
 * (`asOf`) and `recompute`, which re-read those streams, work on a metrics service that has its
 * own database. A redelivered event is refused by its id (DuplicateEventIdError) and skipped;
 * metrics' outbox relay publishes only metrics' own context, so the copies never go out again.
 * Embedded mode needs none (one store holds every context's events).
 */
export class SourceEventsConsumer {
  private handle?: ConsumerHandle;

  constructor(
    private readonly store: EventStore,
    private readonly bus: EventBus,
    private readonly contexts: readonly string[] = ['partners', 'deals', 'mapping'],
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.handle = await this.bus.consume({
      groupId: SOURCE_EVENTS_GROUP,
      topics: this.contexts.map(topicOf),
      fromBeginning: true,
      handleBatch: async (messages) => {
        // One append per stream run (a stream's events arrive in order on one partition).
        let run: RecordedEvent[] = [];
        for (const { event } of messages) {
          if (run.length > 0 && run[0]!.streamId !== event.streamId) {
            await this.copy(run);
            run = [];
          }
          run.push(event);
        }
        if (run.length > 0) await this.copy(run);
      },
      onError: (error) => this.log(`metrics source-events copy stopped: ${(error as Error).message}`),
    });
  }

  private async copy(events: readonly RecordedEvent[]): Promise<void> {
    const toAppend = (e: RecordedEvent) => ({
      id: e.id,
      type: e.type,
      schemaVersion: e.schemaVersion,
      data: e.data,
      metadata: e.metadata,
    });
    try {
      await this.store.append(events[0]!.streamId, events.map(toAppend), 'any');
    } catch (error) {
      if (!(error instanceof DuplicateEventIdError)) throw error;
      // Some were copied before (a redelivery): one by one, skipping those.
      for (const e of events) {
        try {
          await this.store.append(e.streamId, [toAppend(e)], 'any');
        } catch (again) {
          if (!(again instanceof DuplicateEventIdError)) throw again;
        }
      }
    }
  }

  async stop(): Promise<void> {
    await this.handle?.stop();
  }
}
