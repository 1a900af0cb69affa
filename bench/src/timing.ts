import type { Database } from '@prm/database';
import type { EventStore } from '@prm/event-store';
import { performance, round } from './measure';

/** Wall time and calls spent in one kind of call. */
export class PhaseTimer {
  private readonly phases = new Map<string, { calls: number; ms: number; items: number }>();

  async time<T>(phase: string, fn: () => Promise<T>, items?: (result: T) => number): Promise<T> {
    const started = performance.now();
    try {
      const result = await fn();
      this.add(phase, performance.now() - started, items?.(result) ?? 0);
      return result;
    } catch (error) {
      this.add(phase, performance.now() - started, 0);
      throw error;
    }
  }

  private add(phase: string, ms: number, items: number): void {
    const entry = this.phases.get(phase) ?? { calls: 0, ms: 0, items: 0 };
    entry.calls++;
    entry.ms += ms;
    entry.items += items;
    this.phases.set(phase, entry);
  }

  reset(): void {
    this.phases.clear();
  }

  report(): Record<string, { calls: number; ms: number; msPerCall: number; items?: number }> {
    return Object.fromEntries(
      [...this.phases].map(([phase, e]) => [
        phase,
        {
          calls: e.calls,
          ms: round(e.ms),
          msPerCall: round(e.ms / e.calls, 2),
          ...(e.items ? { items: e.items } : {}),
        },
      ]),
    );
  }
}

/**
 * The same store, with readAll timed. Methods run with the proxy as `this`, so the store's own
 * calls (subscribeToAll tails through this.readAll) are timed too.
 */
export function timedReads(store: EventStore, timer: PhaseTimer): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readAll' || property === 'readAllSerialized') {
        const read = Reflect.get(target, property, receiver) as EventStore['readAll'];
        return (options?: Parameters<EventStore['readAll']>[0]) =>
          timer.time(
            'readAll',
            () => read.call(receiver, options),
            (events) => events.length,
          );
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(receiver) : value;
    },
  });
}

/** The same database, with each statement timed under the first words of its SQL. */
export function timedQueries(db: Database, timer: PhaseTimer, phaseOf: (sql: string) => string): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') {
        return <R>(sql: string, params?: unknown[]) =>
          timer.time(phaseOf(sql), () => target.query<R>(sql, params));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(receiver) : value;
    },
  });
}
