import type { EventEmitter } from 'node:events';
import type { ReadAllOptions, SubscribeOptions, Subscription } from './event-store';

/**
 * The one tailing loop: read a page after the checkpoint, hand it over, repeat; when caught
 * up, wait for an 'appended' signal or the idle poll, whichever comes first.
 */
export function tailLog<T extends { readonly globalPosition: bigint }>(
  store: { readAll(options: ReadAllOptions): Promise<T[]> },
  signals: EventEmitter | undefined,
  handler: (events: readonly T[]) => Promise<void>,
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
    // The next page is read while the handler works on this one.
    const read = (after: bigint) => {
      const page = store.readAll({ after, limit });
      page.catch(() => undefined); // awaited below, or dropped on stop/error
      return page;
    };
    try {
      let next = read(position);
      while (!stopped) {
        signalled = false;
        const events = await next;
        if (stopped) break;
        if (events.length > 0) {
          const last = events[events.length - 1]!.globalPosition;
          next = read(last);
          await handler(events);
          position = last;
          continue;
        }
        if (!signalled) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, idlePollMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        next = read(position);
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
