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
    // A page is read while the handler works on the one before it when that one was full
    // (more is waiting). After a short page the log was at its head: the next read waits
    // for an append signal or the idle poll. `signalled` is cleared just before a read is
    // sent, so an append committed after that read's snapshot always wakes the loop.
    const read = (after: bigint) => {
      signalled = false;
      const page = store.readAll({ after, limit });
      page.catch(() => undefined); // awaited below, or dropped on stop/error
      return page;
    };
    const idle = async () => {
      if (signalled || stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idlePollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    };
    try {
      let next = read(position);
      while (!stopped) {
        const events = await next;
        if (stopped) break;
        if (events.length >= limit) {
          const last = events[events.length - 1]!.globalPosition;
          next = read(last);
          await handler(events);
          position = last;
          continue;
        }
        if (events.length > 0) {
          await handler(events);
          position = events[events.length - 1]!.globalPosition;
        }
        await idle();
        if (stopped) break;
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
