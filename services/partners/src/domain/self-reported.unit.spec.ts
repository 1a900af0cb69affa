import { describe, it } from 'node:test';
import type { PartnerEvent } from './partner.state';
import type { SpendMdf } from './partner.commands';
import {
  given,
  LATER,
  PARTNER_ID,
  partnerAt,
  refused,
  registeredPartner,
  stageReached,
  stepCompleted,
} from './testing/partner.fixtures';

/* Issue 21 item 10: self-reported numbers do not inflate scores unchecked. */

const PARTNER_USER = 'partner-user:ivan';
const VENDOR = 'user:pam-anna';

describe('self-reported profile numbers are proposed, and count once the vendor confirms them', () => {
  const proposed: PartnerEvent = {
    type: 'PartnerProfileChangeProposed',
    data: {
      partnerId: PARTNER_ID,
      proposedFields: ['employeeCount', 'salesReps', 'clientSegments'],
      employeeCount: 900,
      salesReps: 60,
      clientSegments: ['enterprise', 'public_sector'],
      proposedBy: PARTNER_USER,
      proposedAt: LATER,
    },
  };

  it('a partner user’s employee count, sales reps and segments are proposed, not applied; other fields apply', () => {
    given(registeredPartner)
      .when({
        type: 'UpdatePartnerProfile',
        data: {
          employeeCount: 900,
          salesReps: 60,
          clientSegments: ['enterprise', 'public_sector'],
          region: 'Ural',
          proposedBy: PARTNER_USER,
          at: LATER,
        },
      })
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: { partnerId: PARTNER_ID, region: 'Ural', changedFields: ['region'] },
        },
        proposed,
      ]);
  });

  it('proposing the same values again changes nothing; the vendor’s own update applies at once', () => {
    given([...registeredPartner, proposed])
      .when({
        type: 'UpdatePartnerProfile',
        data: { employeeCount: 900, proposedBy: PARTNER_USER, at: LATER },
      })
      .thenNothing();
    given(registeredPartner)
      .when({ type: 'UpdatePartnerProfile', data: { employeeCount: 130, at: LATER } })
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: { partnerId: PARTNER_ID, employeeCount: 130, changedFields: ['employeeCount'] },
        },
      ]);
  });

  it('the vendor confirms the proposal: the values become the profile', () => {
    given([...registeredPartner, proposed])
      .when({ type: 'ConfirmPartnerProfile', data: { confirmedBy: VENDOR, at: LATER } })
      .then([
        {
          type: 'PartnerProfileUpdated',
          data: {
            partnerId: PARTNER_ID,
            employeeCount: 900,
            salesReps: 60,
            clientSegments: ['enterprise', 'public_sector'],
            changedFields: ['employeeCount', 'salesReps', 'clientSegments'],
          },
        },
      ]);
  });

  it('nothing to confirm after confirmation, or when the vendor set the fields itself', () => {
    const confirmed: PartnerEvent = {
      type: 'PartnerProfileUpdated',
      data: {
        partnerId: PARTNER_ID,
        employeeCount: 900,
        salesReps: 60,
        clientSegments: ['enterprise', 'public_sector'],
        changedFields: ['employeeCount', 'salesReps', 'clientSegments'],
      },
    };
    given([...registeredPartner, proposed, confirmed])
      .when({ type: 'ConfirmPartnerProfile', data: { confirmedBy: VENDOR, at: LATER } })
      .thenNothing();
  });
});

describe('onboarding steps that gate enablement need the vendor’s confirmation', () => {
  const atOnboarding = partnerAt('onboarding');
  const tick = (step: string, byPartner: boolean) =>
    ({
      type: 'CompleteOnboardingStep',
      data: { step, completedBy: byPartner ? PARTNER_USER : VENDOR, byPartner, at: LATER },
    }) as const;
  const submitted = (step: string, stepName: string): PartnerEvent => ({
    type: 'OnboardingStepSubmitted',
    data: { partnerId: PARTNER_ID, step, stepName, submittedBy: PARTNER_USER, submittedAt: LATER },
  });

  it('a partner user ticking "contract signed" or the certification only submits it', () => {
    given(atOnboarding)
      .when(tick('contract', true))
      .then([submitted('contract', 'Contract signed')]);
    given(atOnboarding)
      .when(tick('certification', true))
      .then([submitted('certification', 'First certification')]);
  });

  it('a partner user ticks the other steps itself', () => {
    given(atOnboarding)
      .when(tick('questionnaire', true))
      .then([
        {
          type: 'OnboardingStepCompleted',
          data: {
            partnerId: PARTNER_ID,
            step: 'questionnaire',
            stepName: 'Partner questionnaire',
            completedAt: LATER,
            completedBy: PARTNER_USER,
          },
        },
      ]);
  });

  it('a submitted step does not enable the partner; the vendor’s confirmation completes it, naming who submitted it', () => {
    const allButContract = [
      ...atOnboarding,
      submitted('contract', 'Contract signed'),
      stepCompleted('questionnaire'),
      stepCompleted('demo_access'),
      stepCompleted('certification'),
    ];
    refused(
      allButContract,
      { type: 'AdvanceJourney', data: { stage: 'enabled', at: LATER } },
      'FAILED_PRECONDITION',
      /missing: contract \(Contract signed\)/,
    );
    given(allButContract).when(tick('contract', true)).thenNothing();
    given(allButContract)
      .when(tick('contract', false))
      .then([
        {
          type: 'OnboardingStepCompleted',
          data: {
            partnerId: PARTNER_ID,
            step: 'contract',
            stepName: 'Contract signed',
            completedAt: LATER,
            completedBy: VENDOR,
            submittedBy: PARTNER_USER,
          },
        },
      ]);
    given([...allButContract, stepCompleted('contract')])
      .when({ type: 'AdvanceJourney', data: { stage: 'enabled', at: LATER } })
      .then([stageReached('enabled', 'onboarding')]);
  });
});

describe('MDF spend reported by a partner user needs the vendor’s confirmation', () => {
  const ALLOCATION = '00000000-0000-4000-8000-00000000a001';
  const SPEND = '00000000-0000-4000-8000-00000000b001';
  const allocated: PartnerEvent = {
    type: 'MdfAllocated',
    data: {
      partnerId: PARTNER_ID,
      allocationId: ALLOCATION,
      amount: { amount: '100000', currency: 'RUB' },
      validFrom: '2025-01-01',
      validUntil: '2025-12-31',
    },
  };
  const spend = (amount: string, extra: Partial<SpendMdf['data']> = {}): SpendMdf => ({
    type: 'SpendMdf',
    data: {
      allocationId: ALLOCATION,
      spendId: SPEND,
      amount: { amount, currency: 'RUB' },
      spentOn: '2025-03-01',
      activity: 'webinar',
      claimedBy: PARTNER_USER,
      ...extra,
    },
  });
  const data = (amount: string) => ({
    partnerId: PARTNER_ID,
    allocationId: ALLOCATION,
    spendId: SPEND,
    amount: { amount, currency: 'RUB' },
    spentOn: '2025-03-01',
    activity: 'webinar',
  });
  const claimed: PartnerEvent = {
    type: 'MdfSpendClaimed',
    data: { ...data('60000'), claimedBy: PARTNER_USER },
  };
  const given_ = [...partnerAt('enabled'), allocated];

  it('a partner user’s spend is a claim, not a spend', () => {
    given(given_).when(spend('60000')).then([claimed]);
  });

  it('a pending claim holds its money: a second claim or spend beyond the rest is refused', () => {
    refused(
      [...given_, claimed],
      spend('50000', { spendId: '00000000-0000-4000-8000-00000000b002', claimedBy: undefined }),
      'FAILED_PRECONDITION',
      /exceeds the unspent 40000.00 RUB/,
    );
  });

  it('the vendor confirms it: MdfSpent with who claimed and who confirmed; confirming again changes nothing', () => {
    given([...given_, claimed])
      .when({ type: 'ConfirmMdfSpend', data: { spendId: SPEND, confirmedBy: VENDOR } })
      .then([{ type: 'MdfSpent', data: { ...data('60000'), claimedBy: PARTNER_USER, confirmedBy: VENDOR } }]);
    given([
      ...given_,
      claimed,
      { type: 'MdfSpent', data: { ...data('60000'), claimedBy: PARTNER_USER, confirmedBy: VENDOR } },
    ])
      .when({ type: 'ConfirmMdfSpend', data: { spendId: SPEND, confirmedBy: VENDOR } })
      .thenNothing();
  });

  it('confirming an unknown claim is NOT_FOUND', () => {
    refused(
      given_,
      { type: 'ConfirmMdfSpend', data: { spendId: SPEND, confirmedBy: VENDOR } },
      'NOT_FOUND',
      /no MDF claim/,
    );
  });
});
