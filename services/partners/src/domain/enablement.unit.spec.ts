import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_IDS } from '@prm/contracts';
import type { AllocateMdf, GrantCertification, RecordTraining, SpendMdf } from './partner.commands';
import type { PartnerEvent } from './partner.state';
import { given, LATER, PARTNER_ID, partnerAt, refused, registeredPartner } from './testing/partner.fixtures';

const CERT_1 = SAMPLE_IDS.certification;
const CERT_2 = '00000000-0000-4000-8000-00000000e002';
const ALLOCATION = SAMPLE_IDS.mdfAllocation;
const SPEND_1 = SAMPLE_IDS.mdfSpend;
const SPEND_2 = '00000000-0000-4000-8000-00000000f003';

const grant = (overrides: Partial<GrantCertification['data']> = {}): GrantCertification => ({
  type: 'GrantCertification',
  data: {
    certificationId: CERT_1,
    certificationCode: 'sales-professional',
    certificationName: 'Sales Professional',
    holderId: 'person-42',
    grantedOn: '2025-03-01',
    expiresOn: '2026-03-01',
    ...overrides,
  },
});
const granted = (
  certificationId: string,
  expiresOn: string | null,
  holderId = 'person-42',
): PartnerEvent => ({
  type: 'CertificationGranted',
  data: {
    partnerId: PARTNER_ID,
    certificationId,
    certificationCode: 'sales-professional',
    certificationName: 'Sales Professional',
    holderId,
    grantedOn: '2025-03-01',
    expiresOn,
  },
});
const expired = (certificationId: string, expiredOn: string, holderId = 'person-42'): PartnerEvent => ({
  type: 'CertificationExpired',
  data: {
    partnerId: PARTNER_ID,
    certificationId,
    certificationCode: 'sales-professional',
    holderId,
    expiredOn,
  },
});

describe('certifications', () => {
  it('grants a certification to a named person', () => {
    given(registeredPartner)
      .when(grant())
      .then([granted(CERT_1, '2026-03-01')]);
  });

  it('grants a certification that does not expire', () => {
    given(registeredPartner)
      .when(grant({ expiresOn: null }))
      .then([granted(CERT_1, null)]);
  });

  it('refuses an expiry before the grant date: dates out of order', () => {
    const error = refused(
      registeredPartner,
      grant({ expiresOn: '2025-02-28' }),
      'INVALID_ARGUMENT',
      /expiresOn: dates out of order/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['expiresOn'],
    );
  });

  it('refuses bad fields, every one named', () => {
    const error = refused(
      registeredPartner,
      grant({
        certificationId: 'c1',
        certificationCode: 'Sales Pro',
        certificationName: '',
        holderId: '',
        grantedOn: '2025-02-30',
      }),
      'INVALID_ARGUMENT',
      /certificationId: must be a UUID/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['certificationId', 'certificationCode', 'certificationName', 'holderId', 'grantedOn'],
    );
  });

  it('a redelivered grant changes nothing; the same id with other data is ALREADY_EXISTS', () => {
    given([...registeredPartner, granted(CERT_1, '2026-03-01')])
      .when(grant())
      .thenNothing();
    refused(
      [...registeredPartner, granted(CERT_1, '2026-03-01')],
      grant({ holderId: 'person-7' }),
      'ALREADY_EXISTS',
      /certificationId/,
    );
  });

  it('ExpireCertifications expires each active certificate whose expiry date has passed', () => {
    given([...registeredPartner, granted(CERT_1, '2025-06-30'), granted(CERT_2, '2025-07-01', 'person-7')])
      .when({ type: 'ExpireCertifications', data: { today: '2025-07-01' } })
      .then([expired(CERT_1, '2025-06-30')]);
  });

  it('a certificate is valid through its expiry day, and one without expiry never expires', () => {
    given([...registeredPartner, granted(CERT_1, '2025-07-01'), granted(CERT_2, null)])
      .when({ type: 'ExpireCertifications', data: { today: '2025-07-01' } })
      .thenNothing();
  });

  it('is idempotent: an expired certificate is not expired again', () => {
    given([...registeredPartner, granted(CERT_1, '2025-06-30'), expired(CERT_1, '2025-06-30')])
      .when({ type: 'ExpireCertifications', data: { today: '2025-08-01' } })
      .thenNothing();
  });

  it('still runs for a churned partner (the nightly job must not fail on it)', () => {
    given([...partnerAt('churned'), granted(CERT_1, '2025-06-30')])
      .when({ type: 'ExpireCertifications', data: { today: '2025-08-01' } })
      .then([expired(CERT_1, '2025-06-30')]);
  });

  it('refuses a malformed today', () => {
    refused(
      registeredPartner,
      { type: 'ExpireCertifications', data: { today: 'now' } },
      'INVALID_ARGUMENT',
      /today: must be a calendar date/,
    );
  });
});

const training = (overrides: Partial<RecordTraining['data']> = {}): RecordTraining => ({
  type: 'RecordTraining',
  data: {
    trainingCode: 'product-101',
    trainingName: 'Product fundamentals',
    attendeeId: 'person-42',
    completedAt: LATER,
    hours: 4,
    score: 92,
    ...overrides,
  },
});

describe('trainings', () => {
  it('records a completed training', () => {
    given(registeredPartner)
      .when(training())
      .then([
        {
          type: 'TrainingCompleted',
          data: {
            partnerId: PARTNER_ID,
            trainingCode: 'product-101',
            trainingName: 'Product fundamentals',
            attendeeId: 'person-42',
            completedAt: LATER,
            hours: 4,
            score: 92,
          },
        },
      ]);
  });

  it('a redelivered training changes nothing', () => {
    const recorded: PartnerEvent = {
      type: 'TrainingCompleted',
      data: {
        partnerId: PARTNER_ID,
        trainingCode: 'product-101',
        trainingName: 'Product fundamentals',
        attendeeId: 'person-42',
        completedAt: LATER,
      },
    };
    given([...registeredPartner, recorded])
      .when(training())
      .thenNothing();
  });

  it('refuses a score above 100 and a negative duration', () => {
    refused(
      registeredPartner,
      training({ score: 120, hours: -1 }),
      'INVALID_ARGUMENT',
      /hours: must be a number from 0 to 1000 \(got -1\); score: must be 0..100/,
    );
  });

  it('refuses absurd hours (issue 22): 1e300, NaN and Infinity would top the rankings', () => {
    for (const hours of [1e300, NaN, Infinity, 1_001])
      refused(
        registeredPartner,
        training({ hours }),
        'INVALID_ARGUMENT',
        /hours: must be a number from 0 to 1000/,
      );
  });
});

const allocate = (overrides: Partial<AllocateMdf['data']> = {}): AllocateMdf => ({
  type: 'AllocateMdf',
  data: {
    allocationId: ALLOCATION,
    amount: { amount: '500000.00', currency: 'RUB' },
    validFrom: '2025-04-01',
    validUntil: '2025-06-30',
    purpose: 'Q2 webinar series',
    ...overrides,
  },
});
const allocated: PartnerEvent = {
  type: 'MdfAllocated',
  data: {
    partnerId: PARTNER_ID,
    allocationId: ALLOCATION,
    amount: { amount: '500000.00', currency: 'RUB' },
    validFrom: '2025-04-01',
    validUntil: '2025-06-30',
    purpose: 'Q2 webinar series',
  },
};
const spend = (overrides: Partial<SpendMdf['data']> = {}): SpendMdf => ({
  type: 'SpendMdf',
  data: {
    allocationId: ALLOCATION,
    spendId: SPEND_1,
    amount: { amount: '120000.00', currency: 'RUB' },
    spentOn: '2025-04-20',
    activity: 'webinar',
    claimReference: 'INV-2025-0420',
    ...overrides,
  },
});
const spent = (spendId: string, amount: string): PartnerEvent => ({
  type: 'MdfSpent',
  data: {
    partnerId: PARTNER_ID,
    allocationId: ALLOCATION,
    spendId,
    amount: { amount, currency: 'RUB' },
    spentOn: '2025-04-20',
    activity: 'webinar',
    claimReference: 'INV-2025-0420',
  },
});

describe('MDF', () => {
  it('allocates funds for a period', () => {
    given(registeredPartner).when(allocate()).then([allocated]);
  });

  it('normalizes a lower-case currency code as every context does, and bounds the amount (issue 22)', () => {
    given(registeredPartner)
      .when(allocate({ amount: { amount: '500000.00', currency: 'rub' } }))
      .then([allocated]);
    refused(
      registeredPartner,
      allocate({ amount: { amount: '9'.repeat(5_000), currency: 'RUB' } }),
      'INVALID_ARGUMENT',
      /amount.amount: must have at most 15 whole digits/,
    );
    refused(
      registeredPartner,
      allocate({ amount: { amount: '10.001', currency: 'RUB' } }),
      'INVALID_ARGUMENT',
      /amount.amount: RUB has 2 decimals/,
    );
    refused(
      registeredPartner,
      allocate({ validFrom: '2025-02-30', validUntil: '9999-12-31' }),
      'INVALID_ARGUMENT',
      /validFrom: must be a calendar date/,
    );
  });

  it('refuses a period that ends before it starts, and a zero amount', () => {
    const error = refused(
      registeredPartner,
      allocate({ validUntil: '2025-03-31', amount: { amount: '0', currency: 'RUB' } }),
      'INVALID_ARGUMENT',
      /validUntil: dates out of order/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['amount.amount', 'validUntil'],
    );
  });

  it('refuses a float-looking or negative amount', () => {
    refused(
      registeredPartner,
      allocate({ amount: { amount: '-5', currency: 'RUB' } }),
      'INVALID_ARGUMENT',
      /amount.amount: must be a non-negative decimal string/,
    );
  });

  it('a redelivered allocation changes nothing; the same id with another amount is ALREADY_EXISTS', () => {
    given([...registeredPartner, allocated])
      .when(allocate({ amount: { amount: '500000', currency: 'RUB' } }))
      .thenNothing();
    refused(
      [...registeredPartner, allocated],
      allocate({ amount: { amount: '1', currency: 'RUB' } }),
      'ALREADY_EXISTS',
      /allocationId/,
    );
  });

  it('spends from an allocation with a claim', () => {
    given([...registeredPartner, allocated])
      .when(spend())
      .then([spent(SPEND_1, '120000.00')]);
  });

  it('spends the exact unspent remainder (decimal arithmetic, no floats)', () => {
    given([...registeredPartner, allocated, spent(SPEND_1, '120000.10'), spent(SPEND_2, '0.20')])
      .when(
        spend({
          spendId: '00000000-0000-4000-8000-00000000f004',
          amount: { amount: '379999.7', currency: 'RUB' },
          claimReference: 'INV-2025-0420',
        }),
      )
      .then([{ ...spent('00000000-0000-4000-8000-00000000f004', '379999.7') }]);
  });

  it('refuses spending more than the unspent amount, saying how much is left', () => {
    const error = refused(
      [...registeredPartner, allocated, spent(SPEND_1, '120000.00')],
      spend({ spendId: SPEND_2, amount: { amount: '380000.01', currency: 'RUB' } }),
      'FAILED_PRECONDITION',
      /amount: 380000.01 RUB exceeds the unspent 380000.00 RUB of MDF allocation/,
    );
    assert.deepEqual(error.details.unspent, { amount: '380000.00', currency: 'RUB' });
  });

  it('refuses a spend in another currency', () => {
    refused(
      [...registeredPartner, allocated],
      spend({ amount: { amount: '10', currency: 'EUR' } }),
      'INVALID_ARGUMENT',
      /amount.currency: must be RUB/,
    );
  });

  it('refuses a spend outside the allocation’s validity', () => {
    const error = refused(
      [...registeredPartner, allocated],
      spend({ spentOn: '2025-07-01' }),
      'FAILED_PRECONDITION',
      /spentOn: 2025-07-01 is outside the allocation’s validity, 2025-04-01 to 2025-06-30/,
    );
    assert.equal(error.details.validUntil, '2025-06-30');
  });

  it('refuses a spend from an unknown allocation (NOT_FOUND)', () => {
    refused(registeredPartner, spend(), 'NOT_FOUND', /allocationId: partner .* has no MDF allocation/);
  });

  it('a redelivered spend changes nothing, even when the allocation is now used up', () => {
    given([...registeredPartner, allocated, spent(SPEND_1, '500000.00')])
      .when(spend({ amount: { amount: '500000.00', currency: 'RUB' } }))
      .thenNothing();
  });

  it('refuses a spend without an activity, naming it', () => {
    refused(
      [...registeredPartner, allocated],
      spend({ activity: '' }),
      'INVALID_ARGUMENT',
      /activity: must say what the money was spent on/,
    );
  });
});
