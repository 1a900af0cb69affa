import { describe, it } from 'node:test';
import type { ChurnPartner, ReactivatePartner } from './partner.commands';
import {
  AT,
  given,
  LATER,
  PARTNER_ID,
  partnerAt,
  refused,
  registeredPartner,
  stageReached,
  stepCompleted,
} from './testing/partner.fixtures';

const churn = (reason = 'inactive', note?: string): ChurnPartner => ({
  type: 'ChurnPartner',
  data: { reason, at: LATER, ...(note !== undefined ? { note } : {}) },
});
const reactivate: ReactivatePartner = {
  type: 'ReactivatePartner',
  data: { note: 'New management', at: LATER },
};
const reactivated = [
  {
    type: 'PartnerReactivated',
    data: { partnerId: PARTNER_ID, reactivatedAt: LATER, note: 'New management' },
  },
  stageReached('contacted', 'churned'),
] as const;

describe('churn and reactivation', () => {
  it('churns a partner with a reason: PartnerChurned and the churned stage', () => {
    given(partnerAt('active'))
      .when(churn('terminated_by_partner', 'Moved to a competitor'))
      .then([
        {
          type: 'PartnerChurned',
          data: { partnerId: PARTNER_ID, reason: 'terminated_by_partner', note: 'Moved to a competitor' },
        },
        stageReached('churned', 'active', LATER, 'terminated_by_partner'),
      ]);
  });

  it('any stage may churn, a prospect too', () => {
    given(registeredPartner)
      .when(churn())
      .then([
        { type: 'PartnerChurned', data: { partnerId: PARTNER_ID, reason: 'inactive' } },
        stageReached('churned', 'prospect', LATER, 'inactive'),
      ]);
  });

  it('refuses an unknown churn reason, listing the reasons', () => {
    refused(
      partnerAt('active'),
      churn('bored'),
      'INVALID_ARGUMENT',
      /reason: must be one of inactive, terminated_by_vendor, terminated_by_partner, acquired, other/,
    );
  });

  it('refuses churning twice', () => {
    refused(
      partnerAt('churned'),
      churn(),
      'FAILED_PRECONDITION',
      /churned: ChurnPartner is refused; reactivate the partner first/,
    );
  });

  it('reactivation restarts the journey at contacted', () => {
    given(partnerAt('churned'))
      .when(reactivate)
      .then([...reactivated]);
  });

  it('refuses reactivating a partner that is not churned', () => {
    refused(
      partnerAt('active'),
      reactivate,
      'FAILED_PRECONDITION',
      /only a churned partner can be reactivated; the partner is at stage active/,
    );
  });

  it('refuses journey moves and the first deal of a churned partner', () => {
    refused(
      partnerAt('churned'),
      { type: 'AdvanceJourney', data: { stage: 'contacted', at: AT } },
      'FAILED_PRECONDITION',
      /churned: AdvanceJourney is refused/,
    );
    refused(
      partnerAt('churned'),
      { type: 'RecordFirstDealWon', data: { dealId: 'd', at: AT } },
      'FAILED_PRECONDITION',
      /churned/,
    );
  });

  it('after reactivation the first deal counts again once the partner is enabled', () => {
    const walkedAgain = [
      ...partnerAt('first_deal_won'),
      stageReached('churned', 'first_deal_won', LATER, 'inactive'),
      ...reactivated,
      stageReached('agreement_signed', 'contacted'),
      stageReached('onboarding', 'agreement_signed'),
      stepCompleted('questionnaire'),
      stageReached('enabled', 'onboarding'),
    ];
    given(walkedAgain)
      .when({ type: 'RecordFirstDealRegistered', data: { dealId: 'deal-7', at: LATER } })
      .then([stageReached('first_deal_registered', 'enabled', LATER, 'deal deal-7')]);
  });
});
