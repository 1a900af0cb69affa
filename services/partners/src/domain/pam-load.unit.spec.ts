import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '@prm/domain';
import { spec } from '@prm/testing';
import {
  countsTowardPamLoad,
  pamCapacityOf,
  pamDecider,
  type PamEvent,
  type ReviewPamLoad,
  type SetPamCapacity,
} from './pam';
import { PARTNER_ID } from './testing/partner.fixtures';

const PAM = 'user:pam-anna';
const given = (events: readonly PamEvent[]) => spec(pamDecider).given(events);

const setCapacity = (capacity: number, partnerCount: number, extra: Partial<SetPamCapacity['data']> = {}) =>
  ({
    type: 'SetPamCapacity',
    data: {
      pamId: PAM,
      capacity,
      setBy: 'user:admin',
      role: 'vendor_admin',
      partnerCount,
      defaultCapacity: 10,
      ...extra,
    },
  }) satisfies SetPamCapacity;

const reviewLoad = (cause: ReviewPamLoad['data']['cause'], partnerCount: number): ReviewPamLoad => ({
  type: 'ReviewPamLoad',
  data: { pamId: PAM, partnerCount, defaultCapacity: 10, cause, partnerId: PARTNER_ID },
});

const capacitySet = (capacity: number, previousCapacity: number | null): PamEvent => ({
  type: 'PamCapacitySet',
  data: { pamId: PAM, capacity, previousCapacity, setBy: 'user:admin' },
});

const reviewed = (
  partnerCount: number,
  capacity: number,
  overCapacity: boolean,
  cause: ReviewPamLoad['data']['cause'] | 'capacity_changed',
): PamEvent => ({
  type: 'PamLoadReviewed',
  data: {
    pamId: PAM,
    partnerCount,
    capacity,
    overCapacity,
    cause,
    ...(cause !== 'capacity_changed' ? { partnerId: PARTNER_ID } : {}),
  },
});

describe('PAM capacity (item 16: each PAM has its own, set by a vendor admin)', () => {
  it('a vendor admin sets a PAM’s own capacity as an event; the default no longer applies to it', () => {
    given([])
      .when(setCapacity(6, 5))
      .then([capacitySet(6, null)]);
    const state = [capacitySet(6, null)].reduce(pamDecider.evolve, pamDecider.initialState());
    assert.equal(pamCapacityOf(state, 10), 6);
    assert.equal(pamCapacityOf(pamDecider.initialState(), 10), 10);
  });

  it('the seventh partner of a PAM with capacity 6 raises the warning, although the default is 10', () => {
    given([capacitySet(6, null)])
      .when(reviewLoad('assigned', 7))
      .then([reviewed(7, 6, true, 'assigned')]);
  });

  it('lowering the capacity below the current load raises the warning at once', () => {
    given([])
      .when(setCapacity(4, 5))
      .then([capacitySet(4, null), reviewed(5, 4, true, 'capacity_changed')]);
  });

  it('raising it above the load clears a raised warning', () => {
    given([capacitySet(4, null), reviewed(5, 4, true, 'capacity_changed')])
      .when(setCapacity(8, 5))
      .then([capacitySet(8, 4), reviewed(5, 8, false, 'capacity_changed')]);
  });

  it('the same capacity again changes nothing', () => {
    given([capacitySet(6, null)])
      .when(setCapacity(6, 3))
      .thenNothing();
  });

  it('only a vendor admin sets it; a zero capacity is refused', () => {
    given([])
      .when(setCapacity(6, 1, { role: 'pam' }))
      .thenThrows(DomainError, /only a vendor_admin sets a PAM’s capacity/);
    given([])
      .when(setCapacity(0, 1))
      .thenThrows(DomainError, /capacity: must be a positive integer/);
  });
});

describe('PAM over-capacity warning (item 11: re-evaluated when the load changes)', () => {
  const over = [reviewed(11, 10, true, 'assigned')];

  it('a partner churning brings an over-capacity PAM back within capacity: the warning is cleared', () => {
    given(over)
      .when(reviewLoad('churned', 10))
      .then([reviewed(10, 10, false, 'churned')]);
  });

  it('a partner moved to another PAM clears the previous PAM’s warning', () => {
    given(over)
      .when(reviewLoad('reassigned_away', 10))
      .then([reviewed(10, 10, false, 'reassigned_away')]);
  });

  it('a churned partner reactivated raises it again', () => {
    given([...over, reviewed(10, 10, false, 'churned')])
      .when(reviewLoad('reactivated', 11))
      .then([reviewed(11, 10, true, 'reactivated')]);
  });

  it('a review that does not change the warning records nothing', () => {
    given(over).when(reviewLoad('assigned', 12)).thenNothing();
    given([]).when(reviewLoad('churned', 3)).thenNothing();
  });

  it('churned partners do not count toward a PAM’s load, in the warning as in the workload view', () => {
    assert.equal(countsTowardPamLoad('churned'), false);
    for (const stage of ['prospect', 'active', 'dormant'] as const)
      assert.equal(countsTowardPamLoad(stage), true);
  });
});
