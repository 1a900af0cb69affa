import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryHealthFold } from './engine';
import { computeScorecard, numericMetrics } from './scorecard';
import { scorePartner } from './scoring';
import { EventFactory } from './testing/events';
import { P, story, TEST_SCORING } from './testing/fixtures';

/* Issue 21 item 10: potential uses the confirmed profile; the self-reported values show beside it. */

const AS_OF = new Date('2026-04-01T00:00:00.000Z');

function scored(extra: (f: EventFactory) => ReturnType<EventFactory['event']>[]) {
  const f = new EventFactory();
  const fold = new InMemoryHealthFold({ configs: [TEST_SCORING], contributions: true });
  for (const e of [...story(f), ...extra(f)]) fold.apply(e);
  const card = computeScorecard(fold.entries.get(P)!.state, fold.global, AS_OF, { reportingCurrency: 'RUB' });
  const potential = scorePartner(numericMetrics(card, fold.global, 'RUB'), TEST_SCORING).potential;
  return { metrics: card.metrics, potential };
}

const proposal = (f: EventFactory) =>
  f.event(
    'PartnerProfileChangeProposed',
    {
      partnerId: P,
      proposedFields: ['employeeCount', 'salesReps'],
      employeeCount: 5000,
      salesReps: 400,
      proposedBy: 'partner-user:ivan',
      proposedAt: '2026-03-30T00:00:00.000Z',
    },
    '2026-03-30T00:00:00.000Z',
  );

describe('self-reported profile values in the scorecard', () => {
  it('a proposal does not move potential; it is shown beside the confirmed values', () => {
    const before = scored(() => []);
    const after = scored((f) => [proposal(f)]);
    assert.equal(after.potential, before.potential);
    assert.equal(after.metrics.employeeCount, 250);
    assert.equal(after.metrics.salesReps, 10);
    assert.equal(after.metrics.employeeCountProposed, 5000);
    assert.equal(after.metrics.salesRepsProposed, 400);
    assert.equal(before.metrics.employeeCountProposed, null);
  });

  it('once the vendor confirms (PartnerProfileUpdated), the values count and nothing is pending', () => {
    const before = scored(() => []);
    const confirmed = scored((f) => [
      proposal(f),
      f.event(
        'PartnerProfileUpdated',
        { partnerId: P, changedFields: ['employeeCount', 'salesReps'], employeeCount: 5000, salesReps: 400 },
        '2026-03-31T00:00:00.000Z',
      ),
    ]);
    assert.equal(confirmed.metrics.employeeCount, 5000);
    assert.equal(confirmed.metrics.employeeCountProposed, null);
    assert.equal(confirmed.metrics.salesRepsProposed, null);
    assert.ok(confirmed.potential > before.potential, `${confirmed.potential} > ${before.potential}`);
  });
});
