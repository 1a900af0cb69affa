import { describe, it } from 'node:test';
import type { DetectDormancy } from './partner.commands';
import type { PartnerEvent } from './partner.state';
import { given, LATER, PARTNER_ID, partnerAt, refused, stageReached } from './testing/partner.fixtures';

/* Item 9 of issue 21: dormancy is detected by a scheduled rule (the clock is the scheduler's). */

// partnerAt('active') became active at LATER, 2025-02-01T09:00:00.000Z.
const check = (at: string, deals: Partial<DetectDormancy['data']> = {}): DetectDormancy => ({
  type: 'DetectDormancy',
  data: { dormantAfterDays: 90, lastDealRegisteredAt: null, lastDealWonAt: null, at, ...deals },
});

const training = (completedAt: string): PartnerEvent => ({
  type: 'TrainingCompleted',
  data: {
    partnerId: PARTNER_ID,
    trainingCode: 'product-101',
    trainingName: 'Product 101',
    attendeeId: 'person-1',
    completedAt,
  },
});

const dormant = (
  kind: 'deal_registered' | 'deal_won' | 'training' | 'became_active',
  lastActivityAt: string,
  inactiveDays: number,
  at: string,
): PartnerEvent[] => [
  {
    type: 'PartnerDormancyDetected',
    data: {
      partnerId: PARTNER_ID,
      lastActivityKind: kind,
      lastActivityAt,
      inactiveDays,
      dormantAfterDays: 90,
    },
  },
  stageReached(
    'dormant',
    'active',
    at,
    `no deal registration, win or training for ${inactiveDays} days (dormant after 90)`,
  ),
];

describe('dormancy', () => {
  it('an active partner with no registration, no win and no training for 90 days becomes dormant', () => {
    given(partnerAt('active'))
      .when(check('2025-05-02T09:00:00.000Z'))
      .then(dormant('became_active', LATER, 90, '2025-05-02T09:00:00.000Z'));
  });

  it('is not dormant a day before the period ends', () => {
    given(partnerAt('active')).when(check('2025-05-01T09:00:00.000Z')).thenNothing();
  });

  it('a deal registration resets the period', () => {
    given(partnerAt('active'))
      .when(check('2025-05-02T09:00:00.000Z', { lastDealRegisteredAt: '2025-04-01T10:00:00.000Z' }))
      .thenNothing();
  });

  it('a win resets the period, and the event says the last activity was a win', () => {
    given(partnerAt('active'))
      .when(
        check('2025-07-01T09:00:00.000Z', {
          lastDealRegisteredAt: '2025-03-01T10:00:00.000Z',
          lastDealWonAt: '2025-03-20T10:00:00.000Z',
        }),
      )
      .then(dormant('deal_won', '2025-03-20T10:00:00.000Z', 102, '2025-07-01T09:00:00.000Z'));
  });

  it('a training resets the period too', () => {
    given([...partnerAt('active'), training('2025-04-15T12:00:00.000Z')])
      .when(check('2025-05-02T09:00:00.000Z'))
      .thenNothing();
    given([...partnerAt('active'), training('2025-04-15T12:00:00.000Z')])
      .when(check('2025-07-15T12:00:00.000Z'))
      .then(dormant('training', '2025-04-15T12:00:00.000Z', 91, '2025-07-15T12:00:00.000Z'));
  });

  it('only an active partner becomes dormant: other stages change nothing, churned ones included', () => {
    for (const stage of ['enabled', 'dormant', 'churned'] as const)
      given(partnerAt(stage)).when(check('2026-01-01T00:00:00.000Z')).thenNothing();
  });

  it('refuses a period that is not a positive whole number of days', () => {
    refused(
      partnerAt('active'),
      {
        ...check('2025-05-02T09:00:00.000Z'),
        data: { ...check('2025-05-02T09:00:00.000Z').data, dormantAfterDays: 0 },
      },
      'INVALID_ARGUMENT',
      /dormantAfterDays: must be a positive whole number of days/,
    );
  });
});
