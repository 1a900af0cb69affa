import type { EventEmitter } from 'node:events';
import type { BatchHandler, EventStore, SubscribeOptions, Subscription } from './event-store';

/**
 * The one tailing loop: read a page after the checkpoint, hand it over, repeat; when caught
 * up, wait for an 'appended' signal or the idle poll, whichever comes first.
 */
export function tailLog(
  store: Pick<EventStore, 'readAll'>,
  signals: EventEmitter | undefined,
  handler: BatchHandler,
  options: SubscribeOptions,
): Subscription {
  let position = options.after ?? 0n;
  let stopped = false;
  let wake: (() => void) | undefined;
  let signalled = false;
  const limit = options.limit ?? 1000;
  const idlePollMs = options.idlePollMs ?? 500;
  const onSignal = () => {
    signalled = true;
    wake?.();
  };
  signals?.on('appended', onSignal);

  const done = (async () => {
    try {
      while (!stopped) {
        signalled = false;
        const events = await store.readAll({ after: position, limit });
        if (stopped) break;
        if (events.length > 0) {
          await handler(events);
          position = events[events.length - 1]!.globalPosition;
          continue;
        }
        if (signalled) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idlePollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } catch (error) {
      if (options.onError) options.onError(error);
      else throw error;
    } finally {
      signals?.off('appended', onSignal);
    }
  })();

  return {
    get position() {
      return position;
    },
    done,
    async stop() {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
}
