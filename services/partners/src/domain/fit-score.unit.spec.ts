import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEventData } from '@prm/contracts';
import {
  fitScore,
  normalizedWeights,
  type FitInput,
  type IdealPartnerProfile,
} from './ideal-partner-profile';

const PROFILE: IdealPartnerProfile = sampleEventData.IdealPartnerProfileDefined;

const PARTNER: FitInput = {
  type: 'integrator',
  employeeCount: 120,
  salesReps: 8,
  country: 'RU',
  region: 'Siberia',
  specializations: ['ERP-Implementation', 'cloud-migration'],
  clientSegments: ['mid_market'],
  industries: ['banking'],
};

describe('ideal partner profile: fitScore', () => {
  it('sums the weights of the matched criteria and explains each', () => {
    const result = fitScore(PROFILE, PARTNER);
    // weights 20 size, 30 segments, 10 geography, 30 specialization, 10 industries (partnerType 0)
    assert.equal(result.score, 90);
    assert.deepEqual(
      result.criteria.map((c) => [c.criterion, c.weight, c.matched]),
      [
        ['partnerType', 0, true],
        ['size', 20, true],
        ['geography', 10, true],
        ['specialization', 30, true],
        ['clientSegments', 30, true],
        ['industries', 10, false],
      ],
    );
    assert.match(
      result.criteria[5]!.detail,
      /none of banking among wanted industries: retail, manufacturing/,
    );
    assert.match(
      result.criteria[1]!.detail,
      /120 employees \(employee count 50–1000\), 8 sales reps \(number of sales reps ≥ 3\)/,
    );
    assert.match(result.criteria[3]!.detail, /ERP-Implementation/);
  });

  it('a partner outside every criterion scores 0', () => {
    const result = fitScore(PROFILE, {
      type: 'referral',
      employeeCount: 3,
      salesReps: 1,
      country: 'DE',
      specializations: [],
      clientSegments: ['smb'],
      industries: [],
    });
    assert.equal(result.score, 0);
    assert.ok(result.criteria.filter((c) => c.weight > 0).every((c) => !c.matched));
    assert.match(result.criteria[2]!.detail, /DE is outside RU, KZ/);
  });

  it('without weights every criterion weighs the same; empty lists accept anyone', () => {
    const open: IdealPartnerProfile = {
      profileId: PROFILE.profileId,
      name: 'Anyone',
      partnerTypes: ['msp'],
      countries: [],
      specializations: [],
      clientSegments: [],
      industries: [],
    };
    const result = fitScore(open, PARTNER);
    assert.equal(result.score, 83); // 5 of 6 equal criteria: 83.33 rounded
    assert.ok(result.criteria.every((c) => c.weight === 16.67));
    assert.match(result.criteria[0]!.detail, /type integrator is not among msp/);
    assert.match(result.criteria[3]!.detail, /any specializations fits/);
  });

  it('normalizes weights that do not sum to 100', () => {
    assert.deepEqual(normalizedWeights({ partnerType: 1, size: 1, geography: 2 }), {
      partnerType: 25,
      size: 25,
      geography: 50,
      specialization: 0,
      clientSegments: 0,
      industries: 0,
    });
    const result = fitScore(
      { ...PROFILE, weights: { partnerType: 1, size: 1, geography: 2 } },
      { ...PARTNER, country: 'BY' },
    );
    assert.equal(result.score, 50);
  });

  it('weights that are all zero count as equal weights', () => {
    const weights = normalizedWeights({ partnerType: 0 });
    assert.ok(Object.values(weights).every((w) => Math.abs(w - 100 / 6) < 1e-9));
  });

  it('regions narrow the geography (case-insensitive); a partner without a region does not match them', () => {
    const withRegions = { ...PROFILE, regions: ['siberia', 'Ural'] };
    assert.equal(fitScore(withRegions, PARTNER).criteria[2]!.matched, true);
    const { region: _region, ...noRegion } = PARTNER;
    assert.equal(fitScore(withRegions, noRegion).criteria[2]!.matched, false);
  });

  it('the score is always an integer within 0..100', () => {
    for (const employeeCount of [0, 49, 50, 1000, 1001])
      for (const type of ['integrator', 'reseller'] as const) {
        const { score } = fitScore(
          { ...PROFILE, weights: { size: 33, partnerType: 33, industries: 33 } },
          { ...PARTNER, employeeCount, type },
        );
        assert.ok(Number.isInteger(score) && score >= 0 && score <= 100, String(score));
      }
  });
});
