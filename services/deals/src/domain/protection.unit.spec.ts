import { describe, it } from 'node:test';
import type {
  ActorRef,
  DecideProtectionExtension,
  ExpireRegistration,
  RequestProtectionExtension,
} from './deal.commands';
import type { DealEvent } from './deal.events';
import {
  accrued,
  ADMIN,
  APPROVED_UNTIL,
  approvedDeal,
  DEAL_ID,
  DIRECT_SALES,
  directDeal,
  extensionRequested,
  given,
  lost,
  OTHER_PAM,
  OTHER_PARTNER_USER,
  PAM,
  PAM_ID,
  PARTNER_ID,
  PARTNER_USER,
  PROTECTED_UNTIL,
  refused,
  registeredWith,
  registeredDeal,
  REQUEST_ID,
  SECOND_REQUEST_ID,
  stageChanged,
  winCommand,
  won,
} from './testing/deal.fixtures';

const ASKED_AT = '2025-04-01T09:00:00.000Z';

const request = (
  overrides: Partial<RequestProtectionExtension['data']> = {},
): RequestProtectionExtension => ({
  type: 'RequestProtectionExtension',
  data: {
    by: PARTNER_USER,
    requestId: REQUEST_ID,
    days: 30,
    reason: '  the customer’s budget committee meets in July  ',
    maxExtensionDays: 60,
    at: ASKED_AT,
    ...overrides,
  },
});

const decide = (overrides: Partial<DecideProtectionExtension['data']> = {}): DecideProtectionExtension => ({
  type: 'DecideProtectionExtension',
  data: {
    by: PAM,
    partnerPamId: PAM_ID,
    requestId: REQUEST_ID,
    approve: true,
    at: '2025-04-02T09:00:00.000Z',
    ...overrides,
  },
});

const expire = (today: string, protectionDays = 90): ExpireRegistration => ({
  type: 'ExpireRegistration',
  data: { today, protectionDays },
});

/** 2025-06-08 + 30 days: 22 days to 2025-06-30, 8 more to 2025-07-08. */
const extended: DealEvent = {
  type: 'DealProtectionExtended',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    requestId: REQUEST_ID,
    protectedUntil: '2025-07-08',
    previousProtectedUntil: APPROVED_UNTIL,
  },
};

const extensionRejected: DealEvent = {
  type: 'DealProtectionExtensionRejected',
  data: { dealId: DEAL_ID, partnerId: PARTNER_ID, requestId: REQUEST_ID, reason: 'no activity since March' },
};

const pending = [...approvedDeal, extensionRequested()];

describe('RequestProtectionExtension', () => {
  for (const [who, by] of [
    ['the deal’s partner user', PARTNER_USER],
    ['a PAM', PAM],
    ['a vendor admin', ADMIN],
  ] as [string, ActorRef][])
    it(`is asked by ${who}, recording the current protection end`, () => {
      given(approvedDeal).when(request({ by })).then([extensionRequested()]);
    });

  it('may ask for exactly the program’s maximum', () => {
    given(approvedDeal)
      .when(request({ days: 60 }))
      .then([extensionRequested(REQUEST_ID, 60)]);
  });

  it('may not be asked by another partner’s user or by direct sales', () => {
    refused(approvedDeal, request({ by: OTHER_PARTNER_USER }), 'PERMISSION_DENIED', /may not ask to extend/);
    refused(approvedDeal, request({ by: DIRECT_SALES }), 'PERMISSION_DENIED', /may not ask to extend/);
  });

  it('refuses more days than the program’s maximum extension, or less than one', () => {
    refused(
      approvedDeal,
      request({ days: 61 }),
      'INVALID_ARGUMENT',
      /days: may be at most 60 \(the program’s maximum extension\)/,
    );
    refused(approvedDeal, request({ days: 0 }), 'INVALID_ARGUMENT', /days: must be a whole number of days/);
    refused(approvedDeal, request({ days: 1.5 }), 'INVALID_ARGUMENT', /days: must be a whole number of days/);
  });

  it('needs a reason', () => {
    refused(approvedDeal, request({ reason: ' ' }), 'INVALID_ARGUMENT', /reason: is required/);
  });

  it('allows one pending request at a time', () => {
    refused(
      pending,
      request({ requestId: SECOND_REQUEST_ID }),
      'FAILED_PRECONDITION',
      /already has an extension request waiting for a decision/,
    );
  });

  it('does nothing when the same request arrives again, pending or decided', () => {
    given(pending).when(request()).thenNothing();
    given([...pending, extended])
      .when(request())
      .thenNothing();
  });

  it('takes a new request once the earlier one is decided, from the extended end', () => {
    given([...pending, extended])
      .when(request({ requestId: SECOND_REQUEST_ID, days: 10 }))
      .then([
        {
          type: 'DealProtectionExtensionRequested',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            requestId: SECOND_REQUEST_ID,
            days: 10,
            reason: 'the customer’s budget committee meets in July',
            protectedUntil: '2025-07-08',
          },
        },
      ]);
  });

  it('refuses a registration that holds no protection', () => {
    refused(
      [registeredWith({ holdsProtection: false, protectedUntil: null })],
      request(),
      'FAILED_PRECONDITION',
      /holds no protection to extend/,
    );
  });

  it('refuses a direct deal and a closed deal', () => {
    refused(directDeal, request({ by: ADMIN }), 'FAILED_PRECONDITION', /is a direct deal/);
    refused([...approvedDeal, lost], request(), 'FAILED_PRECONDITION', /is lost; cannot extend/);
  });
});

describe('DecideProtectionExtension', () => {
  it('approving extends the protection end by the requested days', () => {
    given(pending).when(decide()).then([extended]);
  });

  it('names a missing or malformed extension request id as a bad field, not as a missing request', () => {
    refused(pending, decide({ requestId: '' }), 'INVALID_ARGUMENT', /requestId: must be the UUID/);
    refused(pending, decide({ requestId: 'ext-1' }), 'INVALID_ARGUMENT', /requestId: must be the UUID/);
  });

  it('refusing needs a reason, and records it trimmed', () => {
    refused(pending, decide({ approve: false }), 'INVALID_ARGUMENT', /reason: is required when refusing/);
    given(pending)
      .when(decide({ by: ADMIN, approve: false, reason: '  no activity since March ' }))
      .then([extensionRejected]);
  });

  it('does nothing when the same decision is repeated, and refuses the opposite one', () => {
    given([...pending, extended])
      .when(decide())
      .thenNothing();
    given([...pending, extensionRejected])
      .when(decide({ approve: false, reason: 'no activity since March' }))
      .thenNothing();
    refused(
      [...pending, extended],
      decide({ approve: false, reason: 'changed my mind' }),
      'FAILED_PRECONDITION',
      /was already approved/,
    );
    refused([...pending, extensionRejected], decide(), 'FAILED_PRECONDITION', /was already rejected/);
  });

  it('refuses a request that does not exist with NOT_FOUND', () => {
    refused(approvedDeal, decide(), 'NOT_FOUND', /has no extension request/);
  });

  it('is decided by the partner’s PAM or a vendor admin only', () => {
    refused(pending, decide({ by: OTHER_PAM }), 'PERMISSION_DENIED', /own PAM/);
    refused(pending, decide({ by: PARTNER_USER }), 'PERMISSION_DENIED', /decide on a protection extension/);
  });

  it('does not extend a deal that closed while the request was pending', () => {
    refused([...pending, lost], decide(), 'FAILED_PRECONDITION', /is lost; cannot decide on its protection/);
  });
});

const lapsed = (protectedUntil: string, lastStage: 'registered' | 'approved' | 'qualified'): DealEvent => ({
  type: 'DealProtectionLapsed',
  data: { dealId: DEAL_ID, partnerId: PARTNER_ID, protectedUntil, lastStage },
});

// Issue 21 item 5: protection lapsing is not the deal dying. The old decider closed the deal
// (DealRegistrationExpired) when protection ended, and never closed a registration that held none.
describe('ExpireRegistration: protection lapses, the deal stays open', () => {
  it('lapses the protection of an open partner deal the day after its last protected day', () => {
    given(approvedDeal)
      .when(expire('2025-06-09'))
      .then([lapsed(APPROVED_UNTIL, 'approved')]);
  });

  it('does not lapse on the last protected day itself', () => {
    given(approvedDeal).when(expire(APPROVED_UNTIL)).thenNothing();
  });

  it('lapses an unapproved registration’s protection after its registration window, at stage registered', () => {
    given(registeredDeal)
      .when(expire('2025-06-02'))
      .then([lapsed(PROTECTED_UNTIL, 'registered')]);
  });

  it('does nothing the second time', () => {
    given([...approvedDeal, lapsed(APPROVED_UNTIL, 'approved')])
      .when(expire('2026-01-10'))
      .thenNothing();
  });

  it('leaves the deal open: it still progresses (without renewing protection) and is won with its commission', () => {
    given([...approvedDeal, lapsed(APPROVED_UNTIL, 'approved')])
      .when({
        type: 'ChangeStage',
        data: { by: PAM, stage: 'qualified', protectionDays: 90, at: '2025-06-10T09:00:00.000Z' },
      })
      .then([stageChanged('qualified', 'approved')]);
    given([...approvedDeal, lapsed(APPROVED_UNTIL, 'approved')])
      .when(winCommand({ closedOn: '2025-06-10', at: '2025-06-10T12:00:00.000Z' }))
      .then([
        { ...won, data: { ...won.data, closedOn: '2025-06-10', cycleDays: 99 } } as DealEvent,
        // A deal won without protection earns its tier’s commission like any other win.
        {
          ...accrued,
          data: { ...accrued.data, accruedOn: '2025-06-10', protectedAtWin: false },
        } as DealEvent,
      ]);
  });

  it('holds no protection to extend once it lapsed', () => {
    refused(
      [...approvedDeal, lapsed(APPROVED_UNTIL, 'approved')],
      request(),
      'FAILED_PRECONDITION',
      /holds no protection to extend/,
    );
  });

  it('respects renewed and extended protection', () => {
    given([...approvedDeal, stageChanged('qualified', 'approved', '2025-07-14')])
      .when(expire('2025-06-09'))
      .thenNothing();
    given([...pending, extended])
      .when(expire('2025-07-08'))
      .thenNothing();
  });

  it('never touches a direct deal or a closed deal', () => {
    given(directDeal).when(expire('2026-01-01')).thenNothing();
    given([...approvedDeal, won, accrued])
      .when(expire('2026-01-01'))
      .thenNothing();
    given([...approvedDeal, lost])
      .when(expire('2026-01-01'))
      .thenNothing();
  });

  it('needs a date', () => {
    refused(approvedDeal, expire('2025-06-31'), 'INVALID_ARGUMENT', /today: must be a date YYYY-MM-DD/);
  });
});

describe('ExpireRegistration: a registration that never held protection closes after the same window', () => {
  const unprotected = [registeredWith({ holdsProtection: false, protectedUntil: null })];

  it('closes it the day after registration day + the program’s days (2025-03-03 + 90 = 2025-06-01)', () => {
    given(unprotected)
      .when(expire('2025-06-02'))
      .then([
        {
          type: 'DealRegistrationExpired',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            protectedUntil: PROTECTED_UNTIL,
            lastStage: 'registered',
            neverProtected: true,
          },
        },
      ]);
  });

  it('counts the program’s window: 30 days end on 2025-04-02', () => {
    given(unprotected).when(expire('2025-04-02', 30)).thenNothing();
    given(unprotected)
      .when(expire('2025-04-03', 30))
      .then([
        {
          type: 'DealRegistrationExpired',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            protectedUntil: '2025-04-02',
            lastStage: 'registered',
            neverProtected: true,
          },
        },
      ]);
  });

  it('keeps it open within the window', () => {
    given(unprotected).when(expire(PROTECTED_UNTIL)).thenNothing();
  });

  it('does not close a registration that lost its protection (lapsed or revoked): it stays open', () => {
    given([...registeredDeal, lapsed(PROTECTED_UNTIL, 'registered')])
      .when(expire('2026-01-01'))
      .thenNothing();
  });
});
