import type { CatalogEvent, DataOf, JourneyStage } from '@prm/contracts';
import { DomainError, Violations } from '@prm/domain';
import type { Decider } from '@prm/event-store';

/*
 * A partner account manager (stream `partners.pam-<pamId>`): its own capacity, set by a vendor
 * admin (the environment's PRM_PAM_CAPACITY is only the default), and its over-capacity warning,
 * re-evaluated whenever its load changes: a partner assigned, moved to another PAM, churned or
 * reactivated, or the capacity changed. The load itself is a fact the shell counts in the
 * partner summary read model, with the same rule as the PAM workload view (`countsTowardPamLoad`).
 */

export type PamEvent = CatalogEvent<'PamCapacitySet' | 'PamLoadReviewed'>;

export interface PamState {
  /** The PAM's own capacity; null while the default applies. */
  readonly capacity: number | null;
  /** Whether the last review found the PAM over capacity. */
  readonly overCapacity: boolean;
}

export type PamLoadCause = DataOf<'PamLoadReviewed'>['cause'];

export type SetPamCapacity = {
  readonly type: 'SetPamCapacity';
  readonly data: {
    readonly pamId: string;
    readonly capacity: number;
    readonly setBy: string;
    readonly role: string;
    readonly reason?: string;
    /** Partners the PAM runs now (countsTowardPamLoad), from the read model. */
    readonly partnerCount: number;
    readonly defaultCapacity: number;
  };
};

export type ReviewPamLoad = {
  readonly type: 'ReviewPamLoad';
  readonly data: {
    readonly pamId: string;
    /** Partners the PAM runs after the change (countsTowardPamLoad). */
    readonly partnerCount: number;
    readonly defaultCapacity: number;
    readonly cause: PamLoadCause;
    readonly partnerId?: string;
  };
};

export type PamCommand = SetPamCapacity | ReviewPamLoad;

/** Churned partners are nobody's load: the over-capacity warning and the workload view both skip them. */
export const PAM_LOAD_EXCLUDED_STAGES: readonly JourneyStage[] = ['churned'];

export function countsTowardPamLoad(stage: string): boolean {
  return !(PAM_LOAD_EXCLUDED_STAGES as readonly string[]).includes(stage);
}

export const initialPamState = (): PamState => ({ capacity: null, overCapacity: false });

/** The capacity that applies to the PAM: its own, else the default. */
export function pamCapacityOf(state: PamState, defaultCapacity: number): number {
  return state.capacity ?? defaultCapacity;
}

export function evolvePam(state: PamState, event: PamEvent): PamState {
  switch (event.type) {
    case 'PamCapacitySet':
      return { ...state, capacity: event.data.capacity };
    case 'PamLoadReviewed':
      return { ...state, overCapacity: event.data.overCapacity };
  }
}

const isPositiveInt = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
const isText = (value: unknown, max = 200): value is string =>
  typeof value === 'string' && value.trim().length > 0 && value.length <= max;

function review(
  state: PamState,
  pamId: string,
  partnerCount: number,
  capacity: number,
  cause: PamLoadCause,
  partnerId?: string,
): PamEvent[] {
  const overCapacity = partnerCount > capacity;
  if (overCapacity === state.overCapacity) return [];
  return [
    {
      type: 'PamLoadReviewed',
      data: { pamId, partnerCount, capacity, overCapacity, cause, ...(partnerId ? { partnerId } : {}) },
    },
  ];
}

export function decidePam(command: PamCommand, state: PamState): readonly PamEvent[] {
  const v = new Violations();
  const { pamId, partnerCount, defaultCapacity } = command.data;
  v.check(isText(pamId), 'pamId', 'must not be empty');
  v.check(isCount(partnerCount), 'partnerCount', 'must be a non-negative integer');
  v.check(isPositiveInt(defaultCapacity), 'defaultCapacity', 'must be a positive integer');
  if (command.type === 'SetPamCapacity') {
    const { capacity, setBy, reason } = command.data;
    v.check(isPositiveInt(capacity), 'capacity', 'must be a positive integer');
    v.check(isText(setBy), 'setBy', 'must name the vendor admin');
    v.check(reason === undefined || isText(reason, 1000), 'reason', 'must be text of 1 to 1000 characters');
    v.throwIfAny();
    if (command.data.role !== 'vendor_admin')
      throw DomainError.permissionDenied(
        `only a vendor_admin sets a PAM’s capacity (got ${JSON.stringify(command.data.role)})`,
      );
    if (state.capacity === capacity) return [];
    const set: PamEvent = {
      type: 'PamCapacitySet',
      data: {
        pamId,
        capacity,
        previousCapacity: state.capacity,
        setBy,
        ...(reason !== undefined ? { reason: reason.trim() } : {}),
      },
    };
    return [set, ...review(state, pamId, partnerCount, capacity, 'capacity_changed')];
  }
  const { cause, partnerId } = command.data;
  v.check(
    ['assigned', 'reassigned_away', 'churned', 'reactivated'].includes(cause),
    'cause',
    'must be assigned, reassigned_away, churned or reactivated',
  );
  v.throwIfAny();
  return review(state, pamId, partnerCount, pamCapacityOf(state, defaultCapacity), cause, partnerId);
}

/** The PAM aggregate, stream `partners.pam-<pamId>`. */
export const pamDecider: Decider<PamCommand, PamEvent, PamState> = {
  decide: decidePam,
  evolve: evolvePam,
  initialState: initialPamState,
};
