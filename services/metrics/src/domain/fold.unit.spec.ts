import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { channelReport, channelRowsOf } from './channel';
import { InMemoryHealthFold, refreshScorecard } from './engine';
import { ippFit } from './ipp-fit';
import { bagInReporting, fromMicros, toMicros } from './money';
import {
  computeScorecard,
  numericMetrics,
  SCORING_INPUT_METRICS,
  scoringInputs,
  unconvertedMoney,
} from './scorecard';
import {
  dealFactsForStorage,
  partnersAffectedBy,
  stateForStorage,
  stateFromStorage,
  type DealFacts,
  type PartnerHealthState,
} from './partner-health';
import { DEFAULT_SCORING, scorePartner } from './scoring';
import { generateEvents } from './testing/generator';
import { ALPHA, story, TEST_SCORING } from './testing/fixtures';
import { EventFactory, rub } from './testing/events';

const P = '11111111-1111-4111-8111-111111111111';
const AT = new Date('2026-04-01T00:00:00.000Z');

/** Partner P registers a sourced deal with one buyer (domain buyer.example), at `registeredAt`. */
function buyerDealRegistered(
  f: EventFactory,
  dealId: string,
  registeredAt: string,
  amount: string,
  expectedCloseDate: string,
) {
  return f.event(
    'DealRegistered',
    {
      dealId,
      partnerId: P,
      channel: 'partner',
      customer: { name: 'Buyer', country: 'RU', domain: 'buyer.example' },
      customerKeys: { domain: 'buyer.example', nameCountry: 'buyer|RU' },
      estimatedValue: rub(amount),
      expectedCloseDate,
      products: ['crm'],
      attribution: 'sourced',
      registeredAt,
      pamId: 'pam-1',
    },
    registeredAt,
  );
}

describe('the fold under other delivery orders', () => {
  it('gives the same state and scorecard when every deal event arrives before the partner’s own events', () => {
    const events = story();
    const partnerFirst = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    for (const e of events) partnerFirst.apply(e);
    const dealsFirst = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    const isDeal = (e: (typeof events)[number]) => e.streamId.startsWith('deals.');
    for (const e of [...events.filter(isDeal), ...events.filter((e) => !isDeal(e))]) dealsFirst.apply(e);
    const card = (f: InMemoryHealthFold) =>
      computeScorecard(f.entries.get(P)!.state, f.global, AT, { reportingCurrency: 'RUB' });
    assert.deepEqual(card(dealsFirst), card(partnerFirst));
    assert.deepEqual(dealsFirst.entries.get(P)!.scores, partnerFirst.entries.get(P)!.scores);
    // Before its registration the partner is not scored: its first quadrant is placed at registration time.
    assert.ok(dealsFirst.history.every((h) => h.asOf >= '2026-01-01T00:00:00.000Z'));
  });

  it('applies each event once per partner, so a second delivery would double counters (the runner must dedupe)', () => {
    const f = new EventFactory();
    const e = f.event(
      'MdfAllocated',
      {
        partnerId: P,
        allocationId: 'a0000000-0000-4000-8000-000000000009',
        amount: rub('10'),
        validFrom: '2026-01-01',
        validUntil: '2026-02-01',
      },
      '2026-01-02T00:00:00.000Z',
    );
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    fold.apply(e);
    assert.deepEqual(fold.entries.get(P)!.state.mdfAllocated, { RUB: '10000000' });
  });
});

describe('fit to the ideal partner profile', () => {
  const partner = {
    legalName: 'A',
    country: 'RU',
    region: 'Siberia',
    type: 'integrator',
    employeeCount: 250,
    salesReps: 10,
    specializations: ['erp'],
    clientSegments: ['smb' as const],
    industries: ['retail'],
  };
  const ipp = {
    profileId: 'f0000000-0000-4000-8000-00000000000a',
    name: 'x',
    partnerTypes: ['integrator' as const],
    employeeCount: { min: 300 },
    countries: ['RU'],
    specializations: [],
    clientSegments: ['enterprise' as const],
    industries: [],
  };
  // Only the four criteria the profile sets count (specializations and industries are left empty).
  it('equal weights over the criteria set: type and geography match, size and segments do not → 2/4', () => {
    assert.equal(ippFit(ipp, partner), 50); // was 67: the two empty criteria counted as matched
  });
  it('given weights are scaled to 100; a criterion without weight does not count', () => {
    assert.equal(ippFit({ ...ipp, weights: { partnerType: 1, size: 1 } }, partner), 50);
    assert.equal(ippFit({ ...ipp, weights: { partnerType: 0, size: 0 } }, partner), 50); // all zero → equal
  });
  it('given an integrator profile, when a 5-person retail reseller registers, then its ippFit is 0, not 50', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    fold.apply(
      f.event(
        'IdealPartnerProfileDefined',
        {
          ...ipp,
          employeeCount: { min: 50 },
          countries: [],
          clientSegments: [],
          industries: ['manufacturing'],
        },
        '2026-01-01T00:00:00.000Z',
      ),
    );
    fold.apply(
      f.event(
        'PartnerRegistered',
        {
          partnerId: P,
          legalName: 'Shop',
          country: 'RU',
          websiteDomain: 'shop.example',
          taxId: { scheme: 'OTHER', value: 'S1' },
          type: 'reseller',
          employeeCount: 5,
          salesReps: 1,
          specializations: [],
          clientSegments: ['smb'],
          industries: ['retail'],
        },
        '2026-01-02T00:00:00.000Z',
      ),
    );
    const entry = fold.entries.get(P)!;
    refreshScorecard(entry, fold.global, 'RUB');
    assert.equal(entry.scorecard!.metrics.ippFit, 0);
    assert.equal(scoringInputs(entry.state, fold.global, AT, 'RUB').ippFit, 0);
  });
  it('is part of the scorecard once a profile is defined, rescoring every partner', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    for (const e of story(f)) fold.apply(e);
    const before = fold.entries.get(P)!.scores['7']!.potential;
    fold.apply(
      f.event(
        'IdealPartnerProfileDefined',
        { ...ipp, employeeCount: {}, countries: [], clientSegments: [] }, // integrators, nothing else
        '2026-04-02T00:00:00.000Z',
      ),
    );
    // fit 100 (weight 30) joins five components at 0.5 (weight 70): (30 + 35) / 100
    assert.equal(fold.entries.get(P)!.scores['7']!.potential, 65);
    assert.equal(before, 50);
    refreshScorecard(fold.entries.get(P)!, fold.global, 'RUB');
    assert.equal(fold.entries.get(P)!.scorecard!.metrics.ippFit, 100);
  });
});

describe('money', () => {
  it('adds exactly and converts with the latest rate on or before the day', () => {
    assert.equal(fromMicros(toMicros('0.1') + toMicros('0.2')), '0.30');
    assert.equal(fromMicros(toMicros('1250000.5')), '1250000.50');
    const rates = {
      'EUR>RUB': [
        ['2026-01-01', '100'],
        ['2026-02-01', '90.5'],
      ] as Array<[string, string]>,
    };
    assert.equal(
      bagInReporting({ EUR: String(toMicros('10')), RUB: String(toMicros('5')) }, rates, 'RUB', '2026-01-15')
        .micros,
      toMicros('1005'),
    );
    assert.equal(
      bagInReporting({ EUR: String(toMicros('10')) }, rates, 'RUB', '2026-03-01').micros,
      toMicros('905'),
    );
    assert.deepEqual(bagInReporting({ USD: '1000000' }, rates, 'RUB', '2026-03-01').missing, ['USD']);
  });
});

describe('channel metrics by month (hand-computed)', () => {
  const f = new EventFactory();
  const P2 = '33333333-3333-4333-8333-333333333333';
  const d = (n: number) => `d1000000-0000-4000-8000-00000000000${n}`;
  const reg = (n: number, partnerId: string | null, taxId: string, at: string, pamId: string | null) =>
    f.event(
      'DealRegistered',
      {
        dealId: d(n),
        partnerId,
        channel: partnerId ? 'partner' : 'direct',
        customer: { name: 'C', country: 'RU' },
        customerKeys: { taxId, nameCountry: 'c|RU' },
        estimatedValue: rub('1'),
        expectedCloseDate: '2026-12-01',
        products: ['crm'],
        attribution: partnerId ? 'sourced' : null,
        registeredAt: at,
        pamId,
      },
      at,
    );
  const won = (
    n: number,
    partnerId: string | null,
    amount: string,
    closedOn: string,
    cycleDays: number,
    attribution: 'sourced' | 'influenced' | null,
  ) =>
    f.event(
      'DealWon',
      { dealId: d(n), partnerId, wonValue: rub(amount), closedOn, attribution, cycleDays },
      `${closedOn}T00:00:00.000Z`,
    );
  const events = [
    reg(1, P, 'RU_INN:A', '2025-01-05T00:00:00.000Z', 'pam-1'),
    won(1, P, '100', '2025-01-20', 15, 'sourced'),
    reg(2, P2, 'RU_INN:B', '2025-01-06T00:00:00.000Z', 'pam-2'),
    won(2, P2, '300', '2025-01-26', 20, 'influenced'),
    reg(3, null, 'RU_INN:C', '2025-01-07T00:00:00.000Z', null),
    won(3, null, '1000', '2025-01-17', 10, null),
    reg(4, null, 'RU_INN:D', '2025-01-08T00:00:00.000Z', null),
    f.event(
      'DealLost',
      { dealId: d(4), partnerId: null, lostReason: 'price', closedOn: '2025-01-30', cycleDays: 22 },
      '2025-01-30T00:00:00.000Z',
    ),
    reg(5, P, 'RU_INN:A', '2025-02-01T00:00:00.000Z', 'pam-1'),
    won(5, P, '200', '2026-01-10', 30, 'sourced'), // A buys again 12 months later
  ];
  const fold = new InMemoryHealthFold({ configs: [], score: false });
  for (const e of events) fold.apply(e);
  const report = channelReport(channelRowsOf(fold.channel), '2025-01', '2026-01');

  it('revenue partner vs direct, sourced vs influenced, win rate and cycle by channel', () => {
    const jan = report[0]!;
    assert.equal(jan.month, '2025-01');
    assert.deepEqual(jan.revenuePartner, [rub('400.00')]);
    assert.deepEqual(jan.revenueDirect, [rub('1000.00')]);
    assert.deepEqual(jan.revenueSourced, [rub('100.00')]);
    assert.deepEqual(jan.revenueInfluenced, [rub('300.00')]);
    assert.equal(jan.partnerWinRate, 1);
    assert.equal(jan.directWinRate, 0.5);
    assert.equal(jan.partnerAvgCycleDays, 17.5);
    assert.equal(jan.directAvgCycleDays, 10);
    assert.equal(jan.partnerRegistrations, 2);
    assert.equal(jan.directRegistrations, 2);
    // LTV: partner 400 over customers A, B = 200; PAM leverage: 2 PAMs, 400 → 200 each
    assert.deepEqual(jan.partnerLtv, [rub('200.00')]);
    assert.equal(jan.pamsWithRevenue, 2);
    assert.deepEqual(jan.revenuePerPam, [rub('200.00')]);
  });

  it('customer churn: active = a win in the last 12 months; churn = active last month, not this month', () => {
    const dec = report.find((r) => r.month === '2025-12')!;
    assert.equal(dec.partnerActiveCustomers, 2); // A and B (Jan 2025 is within Jan–Dec 2025)
    const jan26 = report.find((r) => r.month === '2026-01')!;
    // Jan 2026: window Feb 2025 – Jan 2026 → A (won again), B dropped out: 1 of 2 churned
    assert.equal(jan26.partnerActiveCustomers, 1);
    assert.equal(jan26.partnerCustomerChurn, 0.5);
    assert.equal(jan26.directCustomerChurn, 1); // C's only win was Jan 2025
    assert.deepEqual(jan26.partnerLtv, [rub('300.00')]); // (100 + 300 + 200) / 2 customers
    assert.equal(report.length, 13);
  });
});

describe('the lean scoring inputs', () => {
  it('equal the catalog’s metrics for every partner of a generated history (multi-currency, with rates)', () => {
    const fold = new InMemoryHealthFold({ configs: [DEFAULT_SCORING], score: false });
    for (const e of generateEvents({ partners: 60, events: 3000, seed: 11 })) fold.apply(e);
    let compared = 0;
    for (const entry of fold.entries.values()) {
      if (!entry.state.registered) continue;
      for (const at of ['2024-06-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']) {
        const asOf = new Date(at);
        const full = numericMetrics(
          computeScorecard(entry.state, fold.global, asOf, { reportingCurrency: 'RUB' }),
          fold.global,
          'RUB',
        );
        const lean = scoringInputs(entry.state, fold.global, asOf, 'RUB');
        for (const name of SCORING_INPUT_METRICS) {
          const a = full[name] ?? null;
          const b = lean[name] ?? null;
          if (a === null || b === null) assert.equal(b, a, `${name} of ${entry.state.partnerId} at ${at}`);
          else assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a)), `${name}: ${a} vs ${b}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 60 * 3 * 10);
  });
});

describe('scoring skips settled deals without changing a single bit', () => {
  /**
   * The state as loaded from storage: same deals in the same order, no scoring index, and none
   * of the numbers scoring caches on a deal's facts (a stale one would show as a difference).
   */
  const fresh = (s: PartnerHealthState) =>
    stateFromStorage(
      JSON.parse(JSON.stringify(stateForStorage(s))),
      [...s.deals].map(([deal_id, facts]) => ({
        deal_id,
        facts: JSON.parse(JSON.stringify(dealFactsForStorage(facts))) as DealFacts,
      })),
    );
  const inputsAt = (s: PartnerHealthState, global: InMemoryHealthFold['global'], iso: string) =>
    scoringInputs(s, global, new Date(iso), 'RUB');

  it('gives the inputs of a full pass over the deals, after every 500 generated events and for an earlier moment', () => {
    const fold = new InMemoryHealthFold({ configs: [DEFAULT_SCORING] });
    const events = generateEvents({ partners: 40, events: 12_000, seed: 11 });
    let compared = 0;
    events.forEach((e, i) => {
      fold.apply(e);
      if (i % 500 !== 499) return;
      for (const entry of fold.entries.values()) {
        const s = entry.state;
        if (!s.registered || s.lastEventAt === null) continue;
        assert.deepEqual(
          inputsAt(s, fold.global, s.lastEventAt),
          inputsAt(fresh(s), fold.global, s.lastEventAt),
        );
        compared++;
      }
    });
    assert.ok(compared > 500, `compared ${compared}`);
    // A moment before the deals were settled at: the index is rebuilt, nothing is missed.
    for (const entry of fold.entries.values())
      if (entry.state.registered)
        assert.deepEqual(
          inputsAt(entry.state, fold.global, '2025-06-01T00:00:00.000Z'),
          inputsAt(fresh(entry.state), fold.global, '2025-06-01T00:00:00.000Z'),
        );
  });

  it('counts a settled deal again when it changes: an expired deal won 17 months later', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    for (const e of story(f)) fold.apply(e);
    // Much later: every story deal is closed and older than every window, so it settles.
    fold.apply(
      f.event(
        'PamAssigned',
        { partnerId: P, pamId: 'pam-2', previousPamId: 'pam-1' },
        '2027-09-01T00:00:00.000Z',
      ),
    );
    const before = inputsAt(fold.entries.get(P)!.state, fold.global, '2027-09-01T00:00:00.000Z');
    assert.equal(before.wonRevenue12m, 0);
    // Deal 6 expired on 2026-03-28; it is won after all.
    fold.apply(
      f.event(
        'DealWon',
        {
          dealId: 'd0000000-0000-4000-8000-000000000006',
          partnerId: P,
          wonValue: rub('500000'),
          closedOn: '2027-09-02',
          attribution: 'sourced',
          cycleDays: 600,
        },
        '2027-09-02T00:00:00.000Z',
      ),
    );
    const s = fold.entries.get(P)!.state;
    const after = inputsAt(s, fold.global, '2027-09-02T00:00:00.000Z');
    assert.equal(after.wonRevenue12m, 500_000); // the only win in the 12 months before 2027-09-02
    assert.equal(after.registrations90d, 0);
    assert.equal(after.openPipeline, before.openPipeline); // the story's one open deal
    assert.deepEqual(after, inputsAt(fresh(s), fold.global, '2027-09-02T00:00:00.000Z'));
    assert.ok((after.winRate as number) > (before.winRate as number), 'one more win, no more losses');
  });
});

describe('the partners an event concerns', () => {
  const Q = '22222222-2222-4222-8222-222222222222';
  const R = '33333333-3333-4333-8333-333333333333';
  const won = (partnerId: string | null, influencingPartnerIds: string[]) =>
    new EventFactory().event(
      'DealWon',
      {
        dealId: 'd0000000-0000-4000-8000-0000000000f1',
        partnerId,
        wonValue: rub('1'),
        closedOn: '2026-01-01',
        attribution: partnerId ? 'sourced' : null,
        cycleDays: 1,
        influencingPartnerIds,
      },
      '2026-01-01T00:00:00.000Z',
    );

  it('lists the own partner first, then each influencer once, in a new list or a scratch one', () => {
    const scratch: string[] = [];
    const cases: Array<[ReturnType<typeof won>, string[]]> = [
      [won(P, [Q, P, R, Q]), [P, Q, R]],
      [won(null, [Q, R, Q]), [Q, R]],
      [won(P, []), [P]],
      [won(null, []), []],
    ];
    for (const [event, expected] of cases) {
      assert.deepEqual([...partnersAffectedBy(event)], expected);
      assert.deepEqual([...partnersAffectedBy(event, scratch)], expected);
    }
  });

  it('gives the same lists with a scratch array over a generated log', () => {
    const scratch: string[] = [];
    let several = 0;
    for (const e of generateEvents({ partners: 30, events: 5000, seed: 5 })) {
      const fresh = partnersAffectedBy(e);
      assert.deepEqual([...partnersAffectedBy(e, scratch)], [...fresh]);
      if (fresh.length > 1) several++;
    }
    assert.ok(several > 0, 'the log has wins with influencers');
  });
});

describe('numbers scoring caches on a deal follow its facts', () => {
  it('reads a corrected registration time, value, close date and won value, not the cached ones', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    const D = 'd0000000-0000-4000-8000-0000000000e1';
    const registered = (registeredAt: string, amount: string) =>
      buyerDealRegistered(f, D, registeredAt, amount, '2026-09-01');
    const won = (closedOn: string, amount: string) =>
      f.event(
        'DealWon',
        { dealId: D, partnerId: P, wonValue: rub(amount), closedOn, attribution: 'sourced', cycleDays: 30 },
        `${closedOn}T00:00:00.000Z`,
      );
    const inputs = (iso: string) =>
      scoringInputs(fold.entries.get(P)!.state, fold.global, new Date(iso), 'RUB');
    fold.apply(f.event('PartnerRegistered', ALPHA, '2026-01-01T00:00:00.000Z'));
    fold.apply(registered('2026-05-01T00:00:00.000Z', '100'));
    assert.equal(inputs('2026-06-01T00:00:00.000Z').registrations90d, 1);
    assert.equal(inputs('2026-06-01T00:00:00.000Z').openPipeline, 100);
    // Sent again with another time and value (the numbers above are cached on the deal now):
    // registered on 2026-01-15, it is outside the 90 days before 2026-06-01.
    fold.apply(registered('2026-01-15T00:00:00.000Z', '250'));
    assert.equal(inputs('2026-06-01T00:00:00.000Z').registrations90d, 0);
    assert.equal(inputs('2026-06-01T00:00:00.000Z').openPipeline, 250);
    fold.apply(won('2026-06-10', '300'));
    assert.equal(inputs('2026-06-20T00:00:00.000Z').wonRevenue12m, 300);
    // A corrected win: closed a year and a half earlier (out of the 12-month window), for 400.
    fold.apply(won('2024-12-01', '400'));
    assert.equal(inputs('2026-06-20T00:00:00.000Z').wonRevenue12m, 0);
    assert.equal(inputs('2025-06-01T00:00:00.000Z').wonRevenue12m, 400);
  });
});

describe('the scoring clock', () => {
  // Potential from size alone (250 employees ≥ target 100 → 100); utilization from won revenue
  // in the last 12 months alone, against 1,000,000 RUB × max(0.1, potential/100) = 1,000,000.
  const CLOCKED: typeof TEST_SCORING = {
    ...TEST_SCORING,
    version: 9,
    thresholds: { potential: 50, utilization: 50 },
    potential: {
      weights: { ippFit: 0, size: 1, salesReach: 0, segmentReach: 0, overlap: 0, enablement: 0 },
      targets: { ...TEST_SCORING.potential.targets, employees: 100 },
    },
    utilization: {
      weights: { revenue: 1, pipeline: 0, registrations: 0, winRate: 0, training: 0, mdf: 0 },
      targets: { ...TEST_SCORING.utilization.targets, revenue12m: 1_000_000 },
    },
  };
  const D = 'd0000000-0000-4000-8000-0000000000c1';
  function partnerWithOneWin(f: EventFactory) {
    return [
      f.event('PartnerRegistered', ALPHA, '2025-01-01T00:00:00.000Z'),
      buyerDealRegistered(f, D, '2025-01-10T00:00:00.000Z', '1000000', '2025-03-01'),
      f.event(
        'DealWon',
        {
          dealId: D,
          partnerId: P,
          wonValue: rub('1000000'),
          closedOn: '2025-02-01',
          attribution: 'sourced',
          cycleDays: 22,
        },
        '2025-02-01T00:00:00.000Z',
      ),
    ];
  }
  const tick = (f: EventFactory, asOf: string) => f.event('ScoringClockTicked', { asOf }, asOf);

  it('moves a quiet partner out of retain once its only win leaves the 12-month window, at the tick’s moment', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [CLOCKED] });
    for (const e of partnerWithOneWin(f)) fold.apply(e);
    // Registered: potential 100, no revenue → utilization 0 → grow. Won 1,000,000 → 100 → retain.
    assert.deepEqual(
      fold.history.map((h) => [h.asOf, h.quadrant, h.potential, h.utilization]),
      [
        ['2025-01-01T00:00:00.000Z', 'grow', 100, 0],
        ['2025-02-01T00:00:00.000Z', 'retain', 100, 100],
      ],
    );
    // 2026-02-01: the win (closed 2025-02-01) is 365 days old; the window is (asOf − 365 d, asOf],
    // i.e. after 2025-02-01T00:00 → the win is out already on 2026-02-01 itself.
    const early = tick(f, '2026-01-31T00:00:00.000Z');
    fold.apply(early);
    assert.equal(fold.history.length, 2, 'still inside the window: no move');
    const late = tick(f, '2026-02-01T00:00:00.000Z');
    fold.apply(late);
    assert.deepEqual(fold.history.at(-1), {
      partnerId: P,
      scoringVersion: 9,
      asOf: '2026-02-01T00:00:00.000Z',
      quadrant: 'grow',
      previousQuadrant: 'retain',
      potential: 100,
      utilization: 0,
      globalPosition: late.globalPosition,
    });
    assert.equal(fold.entries.get(P)!.scoredAt, '2026-02-01T00:00:00.000Z');
  });

  it('without ticks the quiet partner stays where its last event left it (what the clock is for)', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [CLOCKED] });
    for (const e of partnerWithOneWin(f)) fold.apply(e);
    assert.equal(fold.entries.get(P)!.scores['9']!.quadrant, 'retain');
    assert.equal(fold.entries.get(P)!.scoredAt, '2025-02-01T00:00:00.000Z');
  });

  it('does not score partners that are not registered yet', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [CLOCKED] });
    const [, registered, won] = partnerWithOneWin(f);
    fold.apply(registered!); // a deal before the partner's registration (out of order across topics)
    fold.apply(won!);
    fold.apply(tick(f, '2025-03-01T00:00:00.000Z'));
    assert.equal(fold.history.length, 0);
  });
});

describe('money in a currency without an exchange rate', () => {
  const eur = (amount: string) => ({ amount, currency: 'EUR' });
  const WON = 'd1000000-0000-4000-8000-000000000001';
  const OPEN = 'd1000000-0000-4000-8000-000000000002';
  /** The story, plus an EUR deal won on Mar 20 and an EUR deal still open; no EUR rate. */
  function withEuroDeals(f: EventFactory) {
    const registered = (dealId: string, amount: string, at: string) =>
      f.event(
        'DealRegistered',
        {
          dealId,
          partnerId: P,
          channel: 'partner',
          customer: { name: 'Euro', country: 'DE', domain: 'euro.example' },
          customerKeys: { domain: 'euro.example', nameCountry: 'euro|DE' },
          estimatedValue: eur(amount),
          expectedCloseDate: '2026-06-30',
          products: ['crm'],
          attribution: 'sourced',
          registeredAt: at,
          pamId: 'pam-1',
        },
        at,
      );
    return [
      ...story(f),
      registered(WON, '10000', '2026-03-10T00:00:00.000Z'),
      f.event(
        'DealWon',
        {
          dealId: WON,
          partnerId: P,
          wonValue: eur('10000'),
          closedOn: '2026-03-20',
          attribution: 'sourced',
          cycleDays: 10,
        },
        '2026-03-20T00:00:00.000Z',
      ),
      registered(OPEN, '4000', '2026-03-21T00:00:00.000Z'),
    ];
  }
  const foldOf = (events: ReturnType<typeof story>) => {
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    for (const e of events) fold.apply(e);
    return fold;
  };

  it('given won and open deals in EUR without a rate, when scored, then revenue and pipeline are incomplete and left out, not counted as 0', () => {
    const fold = foldOf(withEuroDeals(new EventFactory()));
    const entry = fold.entries.get(P)!;
    const inputs = scoringInputs(entry.state, fold.global, AT, 'RUB');
    // before: the RUB part alone (2,000,000 and 400,000), the EUR amounts silently 0
    assert.equal(inputs.wonRevenue12m, null);
    assert.equal(inputs.openPipeline, null);
    const card = computeScorecard(entry.state, fold.global, AT, { reportingCurrency: 'RUB' });
    const numeric = numericMetrics(card, fold.global, 'RUB');
    assert.equal(numeric.wonRevenue12m, null);
    assert.equal(numeric.openPipeline, null);
    assert.equal(card.metrics.revenueTrendQoQ, null);
    // the amounts are still shown, per currency, unconverted
    assert.deepEqual(card.metrics.wonRevenue12m, [eur('10000.00'), rub('2000000.00')]);
    const scores = scorePartner(numeric, TEST_SCORING);
    assert.deepEqual(scores.utilizationContributions.map((c) => c.component).sort(), [
      'mdf',
      'registrations',
      'training',
      'winRate',
    ]);
    const incomplete = unconvertedMoney(entry.state, fold.global, card, 'RUB');
    assert.deepEqual(
      incomplete.metrics.find((m) => m.metric === 'wonRevenue12m'),
      { metric: 'wonRevenue12m', unconverted: [eur('10000.00')] },
    );
    assert.deepEqual(
      incomplete.metrics.find((m) => m.metric === 'openPipeline'),
      { metric: 'openPipeline', unconverted: [eur('4000.00')] },
    );
    assert.ok(incomplete.metrics.some((m) => m.metric === 'revenueTrendQoQ'));
    assert.ok(incomplete.metrics.every((m) => m.unconverted.every((x) => x.currency === 'EUR')));
    assert.deepEqual(incomplete.missingRates, [{ from: 'EUR', to: 'RUB', on: '2026-04-01' }]);
    // the per-event scores and the flush agree (refreshScorecard throws otherwise)
    refreshScorecard(entry, fold.global, 'RUB', [TEST_SCORING]);
  });

  it('given the EUR rate recorded, when scored again, then the EUR amounts convert and nothing is incomplete', () => {
    const f = new EventFactory();
    const fold = foldOf([
      ...withEuroDeals(f),
      f.event(
        'ExchangeRateRecorded',
        { from: 'EUR', to: 'RUB', rate: '100', effectiveOn: '2026-03-01' },
        '2026-03-25T00:00:00.000Z',
      ),
    ]);
    const entry = fold.entries.get(P)!;
    const inputs = scoringInputs(entry.state, fold.global, AT, 'RUB');
    assert.equal(inputs.wonRevenue12m, 3_000_000);
    assert.equal(inputs.openPipeline, 800_000);
    const card = computeScorecard(entry.state, fold.global, AT, { reportingCurrency: 'RUB' });
    assert.deepEqual(unconvertedMoney(entry.state, fold.global, card, 'RUB'), {
      metrics: [],
      missingRates: [],
    });
    assert.ok(
      scorePartner(numericMetrics(card, fold.global, 'RUB'), TEST_SCORING).utilizationContributions.some(
        (c) => c.component === 'revenue',
      ),
    );
  });
});

describe('an account list without overlaps', () => {
  const overlaps = (f: EventFactory, at: string, prospectCustomers: number, customerProspects = 0) =>
    f.event(
      'OverlapsComputed',
      {
        partnerId: P,
        computationId: randomUUID(),
        vendorListId: 'f0000000-0000-4000-8000-000000000002',
        partnerListId: 'f0000000-0000-4000-8000-000000000003',
        vendorAccountCount: 1000,
        partnerAccountCount: 400,
        cells: [
          { vendorPopulation: 'prospect', partnerPopulation: 'customer', count: prospectCustomers },
          { vendorPopulation: 'customer', partnerPopulation: 'prospect', count: customerProspects },
        ],
      },
      at,
    );

  it('given a registered partner, when its list finds no overlap, then its potential does not move; when overlaps are found, it does', () => {
    const f = new EventFactory();
    const fold = new InMemoryHealthFold({ configs: [TEST_SCORING] });
    fold.apply(f.event('PartnerRegistered', ALPHA, '2026-01-01T00:00:00.000Z'));
    const potential = () => fold.entries.get(P)!.scores['7']!.potential;
    const before = potential();
    fold.apply(overlaps(f, '2026-01-02T00:00:00.000Z', 0, 12));
    assert.equal(potential(), before); // was lower: the overlap component joined at 0
    fold.apply(overlaps(f, '2026-01-03T00:00:00.000Z', 80));
    assert.ok(potential() > before, `${potential()} > ${before}`);
  });
});
