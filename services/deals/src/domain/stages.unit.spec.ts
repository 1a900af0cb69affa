import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeStage } from './deal.commands';
import {
  accrued,
  ADMIN,
  approved,
  approvedDeal,
  DEAL_ID,
  DIRECT_SALES,
  directDeal,
  given,
  lost,
  OTHER_PARTNER_USER,
  PAM,
  PARTNER_USER,
  refused,
  registered,
  registeredDeal,
  stageChanged,
  won,
} from './testing/deal.fixtures';

/** 2025-04-15 is day 105 of 2025; +90 days is day 195 = 2025-07-14. */
const MOVED_AT = '2025-04-15T09:00:00.000Z';
const RENEWED_UNTIL = '2025-07-14';

const changeStage = (stage: string, overrides: Partial<ChangeStage['data']> = {}): ChangeStage => ({
  type: 'ChangeStage',
  data: { by: PAM, stage, protectionDays: 90, at: MOVED_AT, ...overrides },
});

const direct = (stage: 'approved' | 'qualified', previousStage: 'registered' | 'approved') => ({
  type: 'DealStageChanged' as const,
  data: { dealId: DEAL_ID, partnerId: null, stage, previousStage },
});

describe('ChangeStage: forward through the stages', () => {
  it('moves an approved deal to qualified and renews its protection to the move day + 90', () => {
    given(approvedDeal)
      .when(changeStage('qualified'))
      .then([stageChanged('qualified', 'approved', RENEWED_UNTIL)]);
  });

  it('keeps a later protection end: renewal takes the later of the two dates', () => {
    given([registered, approved({ protectedUntil: '2025-09-01' })])
      .when(changeStage('qualified'))
      .then([stageChanged('qualified', 'approved', '2025-09-01')]);
  });

  it('may skip stages forward when the program allows it, moved by the partner’s own user with a new value and close date', () => {
    given(approvedDeal)
      .when(
        changeStage('negotiation', {
          by: PARTNER_USER,
          allowStageSkipping: true,
          estimatedValue: { amount: '1750000', currency: 'rub' },
          expectedCloseDate: '2025-07-31',
        }),
      )
      .then([
        {
          type: 'DealStageChanged',
          data: {
            dealId: DEAL_ID,
            partnerId: registered.data.partnerId,
            stage: 'negotiation',
            previousStage: 'approved',
            estimatedValue: { amount: '1750000', currency: 'RUB' },
            expectedCloseDate: '2025-07-31',
            protectedUntil: RENEWED_UNTIL,
          },
        },
      ]);
  });

  it('moves on from a renewed stage: proposal after qualified', () => {
    given([...approvedDeal, stageChanged('qualified', 'approved', RENEWED_UNTIL)])
      .when(changeStage('proposal', { at: '2025-05-01T09:00:00.000Z' }))
      // 2025-05-01 is day 121; +90 is day 211 = 2025-07-30, later than 2025-07-14.
      .then([stageChanged('proposal', 'qualified', '2025-07-30')]);
  });

  it('moves a direct deal without approval and without protection, by direct sales', () => {
    given(directDeal)
      .when(changeStage('approved', { by: DIRECT_SALES }))
      .then([direct('approved', 'registered')]);
    given(directDeal)
      .when(changeStage('qualified', { by: DIRECT_SALES, allowStageSkipping: true }))
      .then([direct('qualified', 'registered')]);
  });
});

// Issue 21 item 14: the allowed moves are one rule. The old decider accepted any forward skip
// (qualified → negotiation) and, from negotiation, refused with an empty list of stages.
describe('ChangeStage: one stage at a time unless the program allows skipping', () => {
  it('refuses a skip qualified → negotiation, listing the allowed next stages', () => {
    const error = refused(
      [...approvedDeal, stageChanged('qualified', 'approved')],
      changeStage('negotiation'),
      'FAILED_PRECONDITION',
      /is at qualified; allowed next stages: proposal, won, lost \(the program does not allow skipping stages\)/,
    );
    assert.deepEqual(error.details, {
      from: 'qualified',
      to: 'negotiation',
      allowed: ['proposal', 'won', 'lost'],
    });
  });

  it('lists won and lost from negotiation, never an empty list', () => {
    refused(
      [
        ...approvedDeal,
        stageChanged('qualified', 'approved'),
        stageChanged('proposal', 'qualified'),
        stageChanged('negotiation', 'proposal'),
      ],
      changeStage('proposal'),
      'FAILED_PRECONDITION',
      /is at negotiation; allowed next stages: won, lost/,
    );
  });

  it('lists every later open stage when skipping is allowed', () => {
    refused(
      [...approvedDeal, stageChanged('qualified', 'approved'), stageChanged('proposal', 'qualified')],
      changeStage('qualified', { allowStageSkipping: true }),
      'FAILED_PRECONDITION',
      /is at proposal; allowed next stages: negotiation, won, lost$/,
    );
  });

  it('refuses a skip of a direct deal too (registered → qualified)', () => {
    refused(
      directDeal,
      changeStage('qualified', { by: DIRECT_SALES }),
      'FAILED_PRECONDITION',
      /is at registered; allowed next stages: approved, won, lost/,
    );
  });
});

describe('ChangeStage: refusals', () => {
  it('refuses to move back, listing where it may go', () => {
    const error = refused(
      [...approvedDeal, stageChanged('qualified', 'approved'), stageChanged('proposal', 'qualified')],
      changeStage('qualified'),
      'FAILED_PRECONDITION',
      /is at proposal; allowed next stages: negotiation, won, lost/,
    );
    assert.deepEqual(error.details, {
      from: 'proposal',
      to: 'qualified',
      allowed: ['negotiation', 'won', 'lost'],
    });
  });

  it('refuses to "move" to the stage it is at', () => {
    refused(
      [...approvedDeal, stageChanged('qualified', 'approved')],
      changeStage('qualified'),
      'FAILED_PRECONDITION',
      /is at qualified; allowed next stages: proposal, won, lost/,
    );
  });

  it('does not move a partner registration before it is approved', () => {
    refused(
      registeredDeal,
      changeStage('qualified'),
      'FAILED_PRECONDITION',
      /is not approved yet; it cannot move to qualified before approval/,
    );
  });

  it('does not approve a partner registration through ChangeStage', () => {
    refused(
      registeredDeal,
      changeStage('approved', { by: ADMIN }),
      'FAILED_PRECONDITION',
      /ApproveRegistration/,
    );
  });

  it('leaves won and lost to their own commands', () => {
    for (const stage of ['won', 'lost', 'closed'])
      refused(
        approvedDeal,
        changeStage(stage),
        'INVALID_ARGUMENT',
        /stage: must be one of registered, approved, qualified, proposal, negotiation/,
      );
  });

  it('refuses an expected close date in the past and a bad value together', () => {
    const error = refused(
      approvedDeal,
      changeStage('qualified', {
        estimatedValue: { amount: '-1', currency: 'RUB' },
        expectedCloseDate: '2025-04-14',
      }),
      'INVALID_ARGUMENT',
      /expectedCloseDate: is in the past \(today is 2025-04-15\)/,
    );
    assert.deepEqual(
      error.violations.map((v) => v.field),
      ['estimatedValue.amount', 'expectedCloseDate'],
    );
  });

  it('refuses every move of a closed deal', () => {
    refused(
      [...approvedDeal, lost],
      changeStage('qualified'),
      'FAILED_PRECONDITION',
      /is lost; cannot change/,
    );
    refused(
      [...approvedDeal, won, accrued],
      changeStage('negotiation'),
      'FAILED_PRECONDITION',
      /is won; cannot change/,
    );
  });

  it('may not be moved by another partner’s user, nor by direct sales on a partner deal', () => {
    refused(
      approvedDeal,
      changeStage('qualified', { by: OTHER_PARTNER_USER }),
      'PERMISSION_DENIED',
      /may not move/,
    );
    refused(
      approvedDeal,
      changeStage('qualified', { by: DIRECT_SALES }),
      'PERMISSION_DENIED',
      /may not move/,
    );
  });
});
