import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryHealthFold } from './engine';
import { computeScorecard, METRIC_CATALOG, METRIC_NAMES, numericMetrics } from './scorecard';
import { scorePartner } from './scoring';
import { EventFactory, rub } from './testing/events';
import { P, story, TEST_SCORING } from './testing/fixtures';

const Q_DEAL = (n: number) => `d0000000-0000-4000-8000-00000000000${n}`;
const customer = { name: 'Acme', country: 'RU' };

function foldStory(events = story()) {
  const fold = new InMemoryHealthFold({ configs: [TEST_SCORING], contributions: true });
  for (const e of events) fold.apply(e);
  return fold;
}

describe('scorecard of a hand-made partner history (values computed by hand)', () => {
  const fold = foldStory();
  const entry = fold.entries.get(P)!;
  const m = computeScorecard(entry.state, fold.global, new Date('2026-04-01T00:00:00.000Z'), {
    reportingCurrency: 'RUB',
  }).metrics;

  it('defines at least 40 metrics, each with a definition, unit and source events, all computed', () => {
    assert.ok(METRIC_CATALOG.length >= 40, `${METRIC_CATALOG.length} metrics`);
    assert.equal(new Set(METRIC_NAMES).size, METRIC_NAMES.length);
    for (const d of METRIC_CATALOG) {
      assert.ok(d.definition.length > 10 && d.sources.length > 0, d.name);
      assert.ok(d.name in m, `${d.name} computed`);
    }
  });

  it('profile and journey', () => {
    assert.equal(m.employeeCount, 250);
    assert.equal(m.salesReps, 10);
    assert.equal(m.partnerType, 'integrator');
    assert.equal(m.tier, 'silver');
    assert.equal(m.region, 'Siberia');
    assert.equal(m.specializationCount, 2);
    assert.equal(m.clientSegmentCount, 2);
    assert.equal(m.industryCount, 1);
    assert.equal(m.ippFit, null); // no ideal partner profile defined
    assert.equal(m.journeyStage, 'agreement_signed');
    assert.equal(m.daysInJourneyStage, 80); // Jan 11 → Apr 1: 20 + 28 + 31 + 1
    assert.equal(m.partnerAgeDays, 90); // Jan 1 → Apr 1
    assert.equal(m.daysToFirstRegistration, 10); // agreement Jan 11 → first registration Jan 21
    assert.equal(m.daysToFirstDeal, 30); // Jan 11 → first win Feb 10
  });

  it('enablement', () => {
    assert.equal(m.activeCertifications, 3); // c4 expired
    assert.equal(m.certifiedPeople, 2); // h1, h2
    assert.equal(m.certificationsExpiringIn30Days, 1); // c3 on Apr 20 ≤ May 1
    assert.equal(m.trainingsCompleted90d, 1); // the December one is older than 90 days
    assert.equal(m.trainingHours90d, 4);
    assert.deepEqual(m.mdfAllocated, [rub('1000.00')]);
    assert.deepEqual(m.mdfSpent, [rub('250.00')]);
    assert.equal(m.mdfUtilization, 0.25);
  });

  it('pipeline', () => {
    assert.equal(m.registrations, 5); // d1 d2 d3 d4 d6
    assert.equal(m.registrations90d, 5);
    assert.equal(m.openDeals, 1); // d3 (d1 won, d2 rejected, d4 lost, d6 expired)
    assert.deepEqual(m.openPipeline, [rub('400000.00')]); // d3 re-estimated
    assert.equal(m.approvalRate, 0.75); // approved d1 d3 d4, rejected d2
    assert.equal(m.rejectedRegistrations, 1);
    assert.equal(m.conflictRate, 0.2); // d2 of 5
    assert.equal(m.expiredRegistrations, 1);
  });

  it('outcomes and commissions', () => {
    assert.equal(m.dealsWon, 1);
    assert.equal(m.dealsLost, 1);
    assert.equal(m.winRate, 0.5);
    assert.equal(m.influencedDealsWon, 1); // Q's d5 names P
    assert.deepEqual(m.wonRevenueSourced, [rub('1200000.00')]);
    assert.deepEqual(m.wonRevenueInfluenced, [rub('800000.00')]);
    assert.deepEqual(m.wonRevenue12m, [rub('2000000.00')]);
    assert.deepEqual(m.averageDealSize, [rub('1200000.00')]);
    assert.equal(m.averageDealCycleDays, 22); // (20 + 24) / 2
    assert.equal(m.daysSinceLastDealWon, 50); // Feb 10 → Apr 1
    // issue 21 item 9: the days since the last deal count registrations too, and say which
    assert.equal(m.daysSinceLastDeal, 22); // the registration of Mar 10 → Apr 1
    assert.equal(m.lastDealActivity, 'registration');
    assert.equal(m.revenueTrendQoQ, null); // nothing won in the 90 days before the last 90
    assert.deepEqual(m.commissionAccrued, [rub('100000.00')]); // 120 000 − 20 000 debit
    assert.deepEqual(m.commissionPaid, [rub('120000.00')]);
    assert.deepEqual(m.commissionUnpaid, [{ amount: '-20000.00', currency: 'RUB' }]); // claw-back due
  });

  it('customers and mapping', () => {
    assert.equal(m.distinctCustomers, 3); // RU_INN:1 (d1, d3), b.example (d2, d6), gamma|RU (d4)
    assert.equal(m.customersA, 1);
    assert.equal(m.customersB, 1);
    assert.equal(m.customersC, 1);
    assert.equal(m.partnerAccounts, 400);
    assert.equal(m.overlapOurProspectsTheirCustomers, 30);
    assert.equal(m.overlapOurOpportunitiesTheirCustomers, 10);
    assert.equal(m.overlapOurCustomersTheirProspects, 5);
    assert.equal(m.overlapTotal, 52);
  });

  it('revenue trend compares the last 90 days with the 90 before, in the reporting currency', () => {
    const later = computeScorecard(entry.state, fold.global, new Date('2026-06-01T00:00:00.000Z'), {
      reportingCurrency: 'RUB',
    }).metrics;
    // last 90 days (Mar 3 – Jun 1]: d5 800 000; the 90 before (Dec 3 – Mar 3]: d1 1 200 000 → (0.8 − 1.2) / 1.2
    assert.equal(later.revenueTrendQoQ, -0.3333);
    assert.deepEqual(later.wonRevenue12m, [rub('2000000.00')]);
    assert.equal(later.trainingsCompleted90d, 1); // Mar 15 is inside (Mar 3, Jun 1]
  });
});

describe('potential, utilization and quadrant (hand-computed)', () => {
  it('scores the story: potential 50.0, utilization 46.3 → grow, with the top contributors', () => {
    const fold = foldStory();
    const scores = fold.entries.get(P)!.scores['7']!;
    // potential: size 250/500, reps 10/20, segments 2/4, overlap (30+10)/80, certified 2/4 — all 0.5; no IPP → left out
    assert.equal(scores.potential, 50);
    // utilization, f = 0.5: revenue 2.0M / 4.0M = .5 (w40), pipeline 0.4M / 0.8M = .5 (w20),
    // registrations 5 / 10 = .5 (w15), win rate .5 (w10), trainings 1 / 4 = .25 (w5), MDF .25 (w10)
    // = 20 + 10 + 7.5 + 5 + 1.25 + 2.5 = 46.25
    assert.equal(scores.utilization, 46.3);
    assert.equal(scores.quadrant, 'grow');
    assert.deepEqual(
      scores.utilizationContributions.map((c) => [c.component, c.points]),
      [
        ['revenue', 20],
        ['pipeline', 10],
        ['registrations', 7.5],
        ['winRate', 5],
        ['mdf', 2.5],
        ['training', 1.25],
      ],
    );
    assert.deepEqual(scores.utilizationContributions[0]!.metrics, ['wonRevenue12m']);
    assert.equal(scores.potentialContributions.length, 5);
  });

  it('moves grow → retain when more deals are won, recording the change in the history', () => {
    const f = new EventFactory();
    const events = story(f);
    events.push(
      f.event(
        'DealRegistered',
        {
          dealId: Q_DEAL(7),
          partnerId: P,
          channel: 'partner',
          customer,
          estimatedValue: rub('1'),
          expectedCloseDate: '2026-05-01',
          products: ['crm'],
          attribution: 'sourced',
          registeredAt: '2026-04-02T00:00:00.000Z',
        },
        '2026-04-02T00:00:00.000Z',
      ),
      f.event(
        'DealWon',
        {
          dealId: Q_DEAL(7),
          partnerId: P,
          wonValue: rub('2000000'),
          closedOn: '2026-04-05',
          attribution: 'sourced',
          cycleDays: 3,
        },
        '2026-04-05T00:00:00.000Z',
      ),
    );
    const fold = foldStory(events);
    const scores = fold.entries.get(P)!.scores['7']!;
    // after registering d7 (1 RUB): pipeline 400 001 / 800 000 → 10.0, registrations 6/10 → 9:
    // 20 + 10 + 9 + 5 + 1.25 + 2.5 = 47.75 → still grow; then the win:
    // revenue 4.0M / 4.0M = 1 (40), pipeline .5 (10), registrations 6/10 (9), win rate 2/3 (6.667),
    // trainings 1/4 (1.25; Mar 15 still within 90 days of Apr 5), MDF .25 (2.5) = 69.4167
    assert.equal(scores.utilization, 69.4);
    assert.equal(scores.quadrant, 'retain');
    const moves = fold.history
      .filter((h) => h.partnerId === P)
      .map((h) => `${h.previousQuadrant}→${h.quadrant}`);
    assert.equal(moves.at(-1), 'grow→retain');
    assert.equal(fold.history.at(-1)!.asOf, '2026-04-05T00:00:00.000Z');
  });

  it('places partners by configurable thresholds (≥ is high)', () => {
    const base = numericMetrics(
      computeScorecard(
        foldStory().entries.get(P)!.state,
        foldStory().global,
        new Date('2026-04-01T00:00:00.000Z'),
        { reportingCurrency: 'RUB' },
      ),
      foldStory().global,
      'RUB',
    );
    assert.equal(
      scorePartner(base, { ...TEST_SCORING, thresholds: { potential: 50.1, utilization: 40 } }).quadrant,
      'harvest',
    );
    assert.equal(
      scorePartner(base, { ...TEST_SCORING, thresholds: { potential: 60, utilization: 60 } }).quadrant,
      'exit',
    );
    assert.equal(
      scorePartner(base, { ...TEST_SCORING, thresholds: { potential: 50, utilization: 46.3 } }).quadrant,
      'retain',
    );
  });
});
