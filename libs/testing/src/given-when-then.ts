import assert from 'node:assert/strict';

/** The shape of a pure decider (see @prm/event-store's Decider). */
export interface DeciderLike<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/**
 * Specifications for deciders:
 *   spec(decider).given([e1, e2]).when(cmd).then([e3])
 *   spec(decider).given([]).when(cmd).thenThrows(DomainError, /field/)
 */
export function spec<C, E, S>(decider: DeciderLike<C, E, S>) {
  return {
    given(events: readonly E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly E[]): void {
              assert.deepStrictEqual(run(), expected);
            },
            thenNothing(): void {
              assert.deepStrictEqual(run(), []);
            },
            thenThrows(errorClass: new (...args: never[]) => Error, message?: RegExp): void {
              assert.throws(run, (error: unknown) => {
                assert.ok(error instanceof errorClass, `expected ${errorClass.name}, got ${String(error)}`);
                if (message) assert.match((error as Error).message, message);
                return true;
              });
            },
          };
        },
      };
    },
  };
}
