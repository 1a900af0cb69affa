import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOURNEY_TRANSITIONS } from './journey';
import type { AdvanceJourney, RecordFirstDealRegistered, RecordFirstDealWon } from './partner.commands';
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

const advance = (stage: string, reason?: string): AdvanceJourney => ({
  type: 'AdvanceJourney',
  data: { stage, at: LATER, ...(reason !== undefined ? { reason } : {}) },
});
const dealRegistered = (dealId = 'deal-1'): RecordFirstDealRegistered => ({
  type: 'RecordFirstDealRegistered',
  data: { dealId, at: LATER },
});
const dealWon = (dealId = 'deal-1'): RecordFirstDealWon => ({
  type: 'RecordFirstDealWon',
  data: { dealId, at: LATER },
});

describe('the journey: AdvanceJourney', () => {
  it('moves forward one step: prospect → contacted', () => {
    given(registeredPartner)
      .when(advance('contacted'))
      .then([stageReached('contacted', 'prospect')]);
  });

  it('moves contacted → agreement_signed → onboarding', () => {
    given(partnerAt('contacted'))
      .when(advance('agreement_signed'))
      .then([stageReached('agreement_signed', 'contacted')]);
    given(partnerAt('agreement_signed'))
      .when(advance('onboarding'))
      .then([stageReached('onboarding', 'agreement_signed')]);
  });

  it('enables a partner whose required onboarding steps are all completed (optional ones may be missing)', () => {
    const onboarding = partnerAt('onboarding');
    const steps = ['contract', 'questionnaire', 'demo_access', 'certification'].map((s) => stepCompleted(s));
    given([...onboarding, ...steps])
      .when(advance('enabled'))
      .then([stageReached('enabled', 'onboarding')]);
  });

  it('refuses to enable a partner with required steps missing, listing them', () => {
    const error = refused(
      [...partnerAt('onboarding'), stepCompleted('contract'), stepCompleted('demo_access')],
      advance('enabled'),
      'FAILED_PRECONDITION',
      /missing: questionnaire \(Partner questionnaire\), certification \(First certification\)/,
    );
    assert.deepEqual(error.details.missingSteps, ['questionnaire', 'certification']);
  });

  it('refuses a forbidden jump, listing the allowed next stages in the message and details', () => {
    const error = refused(
      registeredPartner,
      advance('onboarding'),
      'FAILED_PRECONDITION',
      /cannot move from prospect to onboarding; allowed next stages: contacted, churned/,
    );
    assert.deepEqual(error.details.allowedNext, ['contacted', 'churned']);
  });

  it('refuses going backwards', () => {
    refused(
      partnerAt('onboarding'),
      advance('contacted'),
      'FAILED_PRECONDITION',
      /allowed next stages: enabled, churned/,
    );
  });

  it('moves first_deal_won → active, active → dormant and dormant → active', () => {
    given(partnerAt('first_deal_won'))
      .when(advance('active'))
      .then([stageReached('active', 'first_deal_won')]);
    given(partnerAt('active'))
      .when(advance('dormant', 'no deal for 6 months'))
      .then([stageReached('dormant', 'active', LATER, 'no deal for 6 months')]);
    given(partnerAt('dormant'))
      .when(advance('active'))
      .then([stageReached('active', 'dormant')]);
  });

  it('refuses dormant for a partner that is not active yet', () => {
    refused(
      partnerAt('enabled'),
      advance('dormant'),
      'FAILED_PRECONDITION',
      /allowed next stages: first_deal_registered, first_deal_won, churned/,
    );
  });

  it('changes nothing when the partner is already at the stage', () => {
    given(partnerAt('contacted')).when(advance('contacted')).thenNothing();
  });

  it('refuses an unknown stage, listing the stages', () => {
    refused(
      registeredPartner,
      advance('signed'),
      'INVALID_ARGUMENT',
      /stage: must be one of prospect, contacted, agreement_signed/,
    );
  });

  it('refuses stages that have their own command (churned, first deal, prospect)', () => {
    refused(
      registeredPartner,
      advance('churned'),
      'INVALID_ARGUMENT',
      /stage: churned is reached with ChurnPartner/,
    );
    refused(
      partnerAt('enabled'),
      advance('first_deal_won'),
      'INVALID_ARGUMENT',
      /reached with RecordFirstDealWon/,
    );
    refused(partnerAt('contacted'), advance('prospect'), 'INVALID_ARGUMENT', /reached with RegisterPartner/);
  });

  it('refuses a bad timestamp', () => {
    refused(
      registeredPartner,
      { type: 'AdvanceJourney', data: { stage: 'contacted', at: '2025-13-01' } },
      'INVALID_ARGUMENT',
      /at: must be an ISO-8601/,
    );
  });

  it('every stage may churn except churned, which may only go back to contacted', () => {
    for (const [from, next] of Object.entries(JOURNEY_TRANSITIONS))
      assert.equal(next.includes('churned'), from !== 'churned', from);
    assert.deepEqual(JOURNEY_TRANSITIONS.churned, ['contacted']);
  });
});

describe('the journey: first deal registered / won (from the deals service)', () => {
  it('the first registered deal moves an enabled partner to first_deal_registered', () => {
    given(partnerAt('enabled'))
      .when(dealRegistered())
      .then([stageReached('first_deal_registered', 'enabled', LATER, 'deal deal-1')]);
  });

  it('a redelivered or second registration changes nothing', () => {
    given(partnerAt('first_deal_registered')).when(dealRegistered('deal-1')).thenNothing();
    given(partnerAt('first_deal_registered')).when(dealRegistered('deal-2')).thenNothing();
  });

  it('the first won deal moves the partner to first_deal_won; later wins change nothing', () => {
    given(partnerAt('first_deal_registered'))
      .when(dealWon())
      .then([stageReached('first_deal_won', 'first_deal_registered', LATER, 'deal deal-1')]);
    given(partnerAt('first_deal_won')).when(dealWon('deal-2')).thenNothing();
    given(partnerAt('active')).when(dealWon('deal-3')).thenNothing();
  });

  it('out of order: a win reported before any registration moves enabled → first_deal_won, and the late registration changes nothing', () => {
    const won = stageReached('first_deal_won', 'enabled', LATER, 'deal deal-2');
    given(partnerAt('enabled')).when(dealWon('deal-2')).then([won]);
    given([...partnerAt('enabled'), won])
      .when(dealRegistered('deal-1'))
      .thenNothing();
  });

  it('a deal of a partner that is not enabled yet is refused with the allowed next stages', () => {
    const error = refused(
      partnerAt('onboarding'),
      dealRegistered(),
      'FAILED_PRECONDITION',
      /allowed next stages: enabled, churned/,
    );
    assert.deepEqual(error.details.allowedNext, ['enabled', 'churned']);
  });

  it('a dormant partner’s new deal changes nothing (its first deal is history)', () => {
    given(partnerAt('dormant')).when(dealRegistered('deal-9')).thenNothing();
  });

  it('refuses an empty deal id', () => {
    refused(
      partnerAt('enabled'),
      { type: 'RecordFirstDealRegistered', data: { dealId: '', at: AT } },
      'INVALID_ARGUMENT',
      /dealId: must not be empty/,
    );
  });

  it('carries the partner id on every stage event', () => {
    given(partnerAt('enabled'))
      .when(dealWon('d'))
      .then([
        {
          type: 'PartnerJourneyStageReached',
          data: {
            partnerId: PARTNER_ID,
            stage: 'first_deal_won',
            previousStage: 'enabled',
            reachedAt: LATER,
            reason: 'deal d',
          },
        },
      ]);
  });
});
