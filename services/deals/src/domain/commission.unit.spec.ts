import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActorRef, ApproveCommission, CorrectCommission, PayCommission } from './deal.commands';
import {
  ADMIN,
  commissionApproved,
  COMMISSION_ID,
  commissionPaid,
  corrected,
  CORRECTION_ID,
  DEAL_ID,
  given,
  PAM,
  PARTNER_ID,
  refused,
  SECOND_CORRECTION_ID,
  SERVICE,
  wonDeal,
} from './testing/deal.fixtures';

const approveCommission = (
  by: ActorRef = ADMIN,
  commissionId: string = COMMISSION_ID,
): ApproveCommission => ({
  type: 'ApproveCommission',
  data: { by, commissionId },
});

const pay = (overrides: Partial<PayCommission['data']> = {}): PayCommission => ({
  type: 'PayCommission',
  data: {
    by: ADMIN,
    commissionId: COMMISSION_ID,
    paidOn: '2025-06-10',
    paymentReference: '  PP-2025-0610 ',
    at: '2025-06-10T15:00:00.000Z',
    ...overrides,
  },
});

const correct = (overrides: Partial<CorrectCommission['data']> = {}): CorrectCommission => ({
  type: 'CorrectCommission',
  data: {
    by: ADMIN,
    commissionId: CORRECTION_ID,
    correctsCommissionId: COMMISSION_ID,
    direction: 'credit',
    amount: '1500.00',
    reason: '  won value revised ',
    ...overrides,
  },
});

const approvedLedger = [...wonDeal, commissionApproved()];

describe('ApproveCommission', () => {
  it('approves an accrued entry, by a vendor admin or the service', () => {
    given(wonDeal).when(approveCommission()).then([commissionApproved()]);
    given(wonDeal)
      .when(approveCommission(SERVICE))
      .then([
        {
          type: 'CommissionApproved',
          data: {
            dealId: DEAL_ID,
            partnerId: PARTNER_ID,
            commissionId: COMMISSION_ID,
            approvedBy: SERVICE.id,
          },
        },
      ]);
  });

  it('does nothing when the entry is approved already, or paid', () => {
    given(approvedLedger).when(approveCommission()).thenNothing();
    given([...approvedLedger, commissionPaid()])
      .when(approveCommission())
      .thenNothing();
  });

  it('is for finance only: a PAM may not approve', () => {
    refused(
      wonDeal,
      approveCommission(PAM),
      'PERMISSION_DENIED',
      /only a vendor admin \(finance\) may approve/,
    );
  });

  it('refuses an entry the deal does not have with NOT_FOUND', () => {
    refused(wonDeal, approveCommission(ADMIN, CORRECTION_ID), 'NOT_FOUND', /has no commission entry/);
  });
});

describe('PayCommission', () => {
  it('pays an approved entry with the trimmed payment reference', () => {
    given(approvedLedger).when(pay()).then([commissionPaid()]);
  });

  it('does not pay an entry that is only accrued', () => {
    refused(wonDeal, pay(), 'FAILED_PRECONDITION', /is accrued; approve it before paying/);
  });

  it('does nothing when the same payment is sent again (a retry)', () => {
    given([...approvedLedger, commissionPaid()])
      .when(pay())
      .thenNothing();
  });

  it('refuses a replay with another payment reference or date: the entry was paid once', () => {
    refused(
      [...approvedLedger, commissionPaid()],
      pay({ paymentReference: 'PAY-OTHER-999' }),
      'FAILED_PRECONDITION',
      /already paid on .* with payment reference .*a different payment of it is refused/,
    );
    refused(
      [...approvedLedger, commissionPaid()],
      pay({ paidOn: '2025-06-01' }),
      'FAILED_PRECONDITION',
      /already paid/,
    );
  });

  it('refuses a payout date in the future and a missing reference, together', () => {
    const error = refused(
      approvedLedger,
      pay({ paidOn: '2025-06-11', paymentReference: ' ' }),
      'INVALID_ARGUMENT',
      /paidOn: is in the future \(today is 2025-06-10\)/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['paidOn', 'paymentReference'],
    );
  });

  it('is for finance only', () => {
    refused(approvedLedger, pay({ by: PAM }), 'PERMISSION_DENIED', /may pay commissions/);
  });

  it('does not pay out a debit: it is settled against the next payout', () => {
    refused(
      [...approvedLedger, corrected(CORRECTION_ID, 'debit', '100.00'), commissionApproved(CORRECTION_ID)],
      pay({ commissionId: CORRECTION_ID }),
      'FAILED_PRECONDITION',
      /is a debit/,
    );
  });
});

describe('CorrectCommission', () => {
  it('adds a credit as a new entry in the corrected entry’s currency', () => {
    given(approvedLedger)
      .when(correct())
      .then([corrected(CORRECTION_ID, 'credit', '1500.00')]);
  });

  it('adds a debit up to exactly what is due, also on a paid entry (a claw-back)', () => {
    given([...approvedLedger, commissionPaid()])
      .when(correct({ direction: 'debit', amount: '154320.99' }))
      .then([corrected(CORRECTION_ID, 'debit', '154320.99')]);
  });

  it('refuses a debit larger than what is due on the entry', () => {
    const error = refused(
      approvedLedger,
      correct({ direction: 'debit', amount: '154321.00' }),
      'INVALID_ARGUMENT',
      /a debit of 154321\.00 exceeds what is due on the entry \(154320\.99\)/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['amount'],
    );
  });

  it('counts earlier corrections in what is due: 154 320.99 + 100.00 − 50.00 = 154 370.99', () => {
    const THIRD_CORRECTION_ID = '00000000-0000-4000-8000-00000000c004';
    const history = [
      ...approvedLedger,
      corrected(CORRECTION_ID, 'credit', '100.00'),
      corrected(SECOND_CORRECTION_ID, 'debit', '50.00'),
    ];
    refused(
      history,
      correct({ commissionId: THIRD_CORRECTION_ID, direction: 'debit', amount: '154371.00' }),
      'INVALID_ARGUMENT',
      /exceeds what is due on the entry \(154370\.99\)/,
    );
    given(history)
      .when(correct({ commissionId: THIRD_CORRECTION_ID, direction: 'debit', amount: '154370.99' }))
      .then([corrected(THIRD_CORRECTION_ID, 'debit', '154370.99')]);
  });

  it('does not correct a correction', () => {
    refused(
      [...approvedLedger, corrected(CORRECTION_ID, 'credit', '100.00')],
      correct({ commissionId: SECOND_CORRECTION_ID, correctsCommissionId: CORRECTION_ID }),
      'FAILED_PRECONDITION',
      /corrections apply to an accrual entry, not to another correction/,
    );
  });

  it('does nothing when the same correction arrives again', () => {
    given([...approvedLedger, corrected(CORRECTION_ID, 'credit', '1500.00')])
      .when(correct())
      .thenNothing();
  });

  it('reports every bad field together', () => {
    const error = refused(
      approvedLedger,
      correct({ commissionId: 'corr-1', direction: 'refund', amount: '-5', reason: '' }),
      'INVALID_ARGUMENT',
      /direction: must be credit or debit/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['commissionId', 'direction', 'amount', 'reason'],
    );
  });

  it('refuses a zero correction', () => {
    refused(
      approvedLedger,
      correct({ amount: '0.00' }),
      'INVALID_ARGUMENT',
      /amount: must be a positive decimal/,
    );
  });

  it('refuses to correct an entry the deal does not have, and is for finance only', () => {
    refused(
      approvedLedger,
      correct({ correctsCommissionId: '00000000-0000-4000-8000-00000000d299' }),
      'NOT_FOUND',
      /has no commission entry/,
    );
    refused(approvedLedger, correct({ by: PAM }), 'PERMISSION_DENIED', /may correct commissions/);
  });
});
