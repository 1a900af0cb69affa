import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActorRef, ApproveRegistration, AssignCoSeller, RejectRegistration } from './deal.commands';
import {
  ADMIN,
  APPROVED_AT,
  approved,
  approvedDeal,
  coSellerAssigned,
  customerClass,
  CUSTOMER_ID,
  DEAL_ID,
  DIRECT_SALES,
  directDeal,
  given,
  OTHER_PAM,
  PAM,
  PAM_ID,
  PARTNER_ID,
  PARTNER_USER,
  refused,
  registeredWith,
  registeredDeal,
} from './testing/deal.fixtures';

const CO_SELLER = 'user:cosell-kira';

const approve = (overrides: Partial<ApproveRegistration['data']> = {}): ApproveRegistration => ({
  type: 'ApproveRegistration',
  data: {
    by: PAM,
    partnerPamId: PAM_ID,
    customerClass: null,
    protectionDays: 90,
    protectionHolder: null,
    at: APPROVED_AT,
    ...overrides,
  },
});

const reject = (overrides: Partial<RejectRegistration['data']> = {}): RejectRegistration => ({
  type: 'RejectRegistration',
  data: {
    by: PAM,
    partnerPamId: PAM_ID,
    reasonCode: 'channel_conflict',
    reason: '  Another partner registered this customer first.  ',
    at: APPROVED_AT,
    ...overrides,
  },
});

const assign = (by: ActorRef = PAM, coSeller = CO_SELLER): AssignCoSeller => ({
  type: 'AssignCoSeller',
  data: { by, partnerPamId: PAM_ID, coSeller },
});

const rejected = {
  type: 'DealRegistrationRejected',
  data: {
    dealId: DEAL_ID,
    partnerId: PARTNER_ID,
    reasonCode: 'channel_conflict',
    reason: 'Another partner registered this customer first.',
    rejectedBy: PAM_ID,
  },
} as const;

describe('ApproveRegistration', () => {
  it('is approved by the partner’s own PAM, protecting it 90 days from the approval day', () => {
    given(registeredDeal).when(approve()).then([approved()]);
  });

  it('is approved by a vendor admin, with a trimmed note and the program’s protection window from the approval day', () => {
    // Registered 2025-03-03 with 90 days (to 2025-06-01); approved 2025-03-10 with a 120-day
    // window: 2025-03-10 + 120 days = 2025-07-08 (21 days to 03-31, 30 → 04-30, 31 → 05-31, 30 → 06-30, 8 → 07-08).
    given(registeredDeal)
      .when(approve({ by: ADMIN, protectionDays: 120, note: '  Checked with direct sales  ' }))
      .then([
        approved({ approvedBy: ADMIN.id, protectedUntil: '2025-07-08', note: 'Checked with direct sales' }),
      ]);
  });

  it('never shortens the protection the registration already holds (a shorter window at approval)', () => {
    // 2025-03-10 + 30 days = 2025-04-09, earlier than the registration's 2025-06-01: that one stays.
    given(registeredDeal)
      .when(approve({ by: ADMIN, protectionDays: 30 }))
      .then([approved({ approvedBy: ADMIN.id, protectedUntil: '2025-06-01' })]);
  });

  for (const [who, by] of [
    ['another partner’s PAM', OTHER_PAM],
    ['a partner user', PARTNER_USER],
    ['direct sales', DIRECT_SALES],
  ] as const)
    it(`may not be approved by ${who}`, () => {
      refused(registeredDeal, approve({ by }), 'PERMISSION_DENIED', /may approve a registration/);
    });

  it('names the partner’s own PAM when another PAM tries', () => {
    refused(registeredDeal, approve({ by: OTHER_PAM }), 'PERMISSION_DENIED', /own PAM \(user:pam-anna\)/);
  });

  it('refuses a PAM when the partner has none assigned', () => {
    refused(registeredDeal, approve({ partnerPamId: null }), 'PERMISSION_DENIED', /none assigned/);
  });

  it('refuses a class A customer until a vendor co-seller is assigned', () => {
    const error = refused(
      registeredDeal,
      approve({ customerClass: customerClass('A') }),
      'FAILED_PRECONDITION',
      /class A: the vendor co-sells every deal, so assign a vendor co-seller/,
    );
    assert.equal(error.details.customerClass, 'A');
  });

  it('refuses a customer classified A at registration when the approval brings no class', () => {
    refused(
      [registeredWith({ customerId: CUSTOMER_ID, customerClass: 'A' })],
      approve(),
      'FAILED_PRECONDITION',
      /class A/,
    );
  });

  it('approves a class A customer once a co-seller is assigned; co-selling is required', () => {
    given([...registeredDeal, coSellerAssigned(CO_SELLER)])
      .when(approve({ customerClass: customerClass('A') }))
      .then([approved({ customerClass: 'A', coSellRequired: true, coSeller: CO_SELLER })]);
  });

  it('suggests the account owner as co-seller of a class B customer', () => {
    given(registeredDeal)
      .when(approve({ customerClass: customerClass('B') }))
      .then([approved({ customerClass: 'B', suggestedCoSeller: 'user:owner-olga' })]);
  });

  it('suggests the partner’s PAM for a class B customer without an account owner', () => {
    given(registeredDeal)
      .when(approve({ by: ADMIN, customerClass: customerClass('B', null) }))
      .then([approved({ customerClass: 'B', suggestedCoSeller: PAM_ID, approvedBy: ADMIN.id })]);
  });

  it('suggests nobody for a class B customer that already has a co-seller', () => {
    given([...registeredDeal, coSellerAssigned(CO_SELLER)])
      .when(approve({ customerClass: customerClass('B') }))
      .then([approved({ customerClass: 'B', coSeller: CO_SELLER })]);
  });

  it('leaves a class C customer to the partner: no co-selling, no suggestion', () => {
    given(registeredDeal)
      .when(approve({ customerClass: customerClass('C') }))
      .then([approved({ customerClass: 'C' })]);
  });

  it('does not approve a direct deal', () => {
    refused(directDeal, approve({ by: ADMIN }), 'FAILED_PRECONDITION', /is a direct deal/);
  });

  it('does not approve twice', () => {
    refused(approvedDeal, approve(), 'FAILED_PRECONDITION', /already approved/);
  });

  it('does not approve a rejected registration', () => {
    refused([...registeredDeal, rejected], approve(), 'FAILED_PRECONDITION', /is rejected; cannot approve/);
  });

  it('refuses a deal that does not exist with NOT_FOUND', () => {
    refused([], approve(), 'NOT_FOUND', /does not exist/);
  });
});

describe('RejectRegistration', () => {
  it('is rejected by the partner’s PAM with a reason code and the reason trimmed', () => {
    given(registeredDeal).when(reject()).then([rejected]);
  });

  it('is rejected by a vendor admin', () => {
    given(registeredDeal)
      .when(reject({ by: ADMIN, reasonCode: 'direct_deal_exists' }))
      .then([
        { ...rejected, data: { ...rejected.data, reasonCode: 'direct_deal_exists', rejectedBy: ADMIN.id } },
      ]);
  });

  it('needs a reason code from the list and a reason, both reported together', () => {
    const error = refused(
      registeredDeal,
      reject({ reasonCode: 'too_small', reason: '   ' }),
      'INVALID_ARGUMENT',
      /reasonCode: must be one of channel_conflict, duplicate, direct_deal_exists, not_qualified, insufficient_information, other/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['reasonCode', 'reason'],
    );
  });

  it('may not be rejected by another PAM or a partner user', () => {
    refused(registeredDeal, reject({ by: OTHER_PAM }), 'PERMISSION_DENIED', /own PAM/);
    refused(registeredDeal, reject({ by: PARTNER_USER }), 'PERMISSION_DENIED', /reject a registration/);
  });

  it('is not rejected once approved: the deal is marked lost instead', () => {
    refused(approvedDeal, reject(), 'FAILED_PRECONDITION', /already approved; mark it lost instead/);
  });

  it('is not rejected twice', () => {
    refused([...registeredDeal, rejected], reject(), 'FAILED_PRECONDITION', /is rejected/);
  });
});

describe('AssignCoSeller', () => {
  it('assigns a vendor co-seller, then nothing when the same one is assigned again', () => {
    given(registeredDeal)
      .when(assign())
      .then([coSellerAssigned(CO_SELLER)]);
    given([...registeredDeal, coSellerAssigned(CO_SELLER)])
      .when(assign(ADMIN, ` ${CO_SELLER} `))
      .thenNothing();
  });

  it('replaces a co-seller, naming the previous one', () => {
    given([...registeredDeal, coSellerAssigned(CO_SELLER)])
      .when(assign(ADMIN, 'user:cosell-lev'))
      .then([coSellerAssigned('user:cosell-lev', CO_SELLER)]);
  });

  it('may not be assigned by a partner user or another PAM', () => {
    refused(registeredDeal, assign(PARTNER_USER), 'PERMISSION_DENIED', /assign a co-seller/);
    refused(registeredDeal, assign(OTHER_PAM), 'PERMISSION_DENIED', /assign a co-seller/);
  });

  it('needs a co-seller', () => {
    refused(registeredDeal, assign(PAM, '  '), 'INVALID_ARGUMENT', /coSeller: is required/);
  });
});
