import { OutboxRelay } from '@prm/messaging';
import { workerProvider } from './worker';

/**
 * The context's own outbox relay (when the runtime has Kafka): it tails the event store and
 * publishes only this context's events to prm.<context>.events.v1, with its own checkpoint
 * (named after the context). Without Kafka (embedded mode) there is nothing to relay.
 */
export function outboxRelayProvider(context: string) {
  return workerProvider<OutboxRelay | undefined>({
    name: `${context}: outbox relay`,
    create: (runtime) => {
      if (!runtime.kafka) return undefined;
      const relay = new OutboxRelay(runtime.store, runtime.db, runtime.kafka, {
        name: context,
        contexts: [context],
        partitions: runtime.partitions,
        log: runtime.log,
      });
      runtime.relays.set(context, relay);
      return relay;
    },
    start: (relay) => relay?.start(),
    stop: (relay) => relay?.stop(),
  });
}
