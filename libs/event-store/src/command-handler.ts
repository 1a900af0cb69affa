import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventToAppend, RecordedEvent } from '@prm/contracts';
import { WrongExpectedVersionError, type EventStore } from './event-store';

/** Who, when and why, passed with every command. */
export type CommandMetadata = Pick<EventMetadata, 'correlationId' | 'actor' | 'occurredAt'> & {
  causationId?: string | null;
  /** Anything else the events should carry, e.g. the hash of an idempotent request. */
  [extra: string]: unknown;
};

/** A pure decider (Emmett style): no I/O, no clock; time and ids arrive on the command. */
export interface Decider<Command, Event extends { type: string; data: unknown }, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface HandleOptions {
  /** Attempts on a version conflict before giving up (default 3). */
  maxAttempts?: number;
  schemaVersion?: number;
  /**
   * An idempotent command's first events, found in the stream as read (e.g. by their request
   * id metadata): when it returns them, nothing is decided or appended and they are the answer.
   * It runs on every attempt, so a retry that lost a race answers as the winner did.
   */
  replay?: (history: readonly RecordedEvent[]) => readonly RecordedEvent[] | null;
}

export class ConcurrencyRetriesExhaustedError extends Error {
  readonly code = 'CONCURRENCY_RETRIES_EXHAUSTED';
  constructor(
    readonly streamId: string,
    attempts: number,
  ) {
    super(`stream ${streamId}: still conflicting after ${attempts} attempts; try again`);
    this.name = 'ConcurrencyRetriesExhaustedError';
  }
}

/**
 * Read the stream, fold it, decide, append with the version read; on a conflict read again
 * and decide again (the decision may differ on the newer state).
 */
export async function handleCommand<C, E extends { type: string; data: unknown }, S>(
  store: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
  command: C,
  metadata: CommandMetadata,
  options: HandleOptions = {},
): Promise<{ events: readonly E[]; nextExpectedVersion: number | null; state: S }> {
  const attempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(stream);
    let state = decider.initialState();
    for (const recorded of history)
      state = decider.evolve(state, { type: recorded.type, data: recorded.data } as E);
    const version = history.length === 0 ? null : history[history.length - 1]!.streamVersion;
    const replayed = options.replay?.(history);
    if (replayed && replayed.length > 0)
      return {
        events: replayed.map((e) => ({ type: e.type, data: e.data }) as E),
        nextExpectedVersion: replayed[replayed.length - 1]!.streamVersion,
        state,
      };
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, nextExpectedVersion: version, state };
    const toAppend: EventToAppend[] = events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      schemaVersion: options.schemaVersion ?? 1,
      data: e.data,
      metadata: { causationId: null, ...metadata },
    }));
    try {
      const result = await store.append(stream, toAppend, version === null ? 'no-stream' : version);
      for (const e of events) state = decider.evolve(state, e);
      return { events, nextExpectedVersion: result.nextExpectedVersion, state };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < attempts) continue;
      if (error instanceof WrongExpectedVersionError)
        throw new ConcurrencyRetriesExhaustedError(stream, attempts);
      throw error;
    }
  }
}
