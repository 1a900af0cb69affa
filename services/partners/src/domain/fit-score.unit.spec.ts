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

  it('given a profile that sets only the partner type, when an msp-only profile meets an integrator, then it scores 0: empty criteria do not count as matched', () => {
    const open: IdealPartnerProfile = {
      profileId: PROFILE.profileId,
      name: 'MSPs',
      partnerTypes: ['msp'],
      countries: [],
      specializations: [],
      clientSegments: [],
      industries: [],
    };
    const result = fitScore(open, PARTNER);
    assert.equal(result.score, 0); // was 83: the five empty criteria counted as matched
    assert.deepEqual(
      result.criteria.map((c) => [c.criterion, c.weight, c.matched]),
      [
        ['partnerType', 100, false],
        ['size', 0, false],
        ['geography', 0, false],
        ['specialization', 0, false],
        ['clientSegments', 0, false],
        ['industries', 0, false],
      ],
    );
    assert.match(result.criteria[0]!.detail, /type integrator is not among msp/);
    assert.match(result.criteria[3]!.detail, /not set in the profile/);
    assert.equal(fitScore({ ...open, partnerTypes: ['integrator'] }, PARTNER).score, 100);
  });

  it('given an integrator profile (type, size, industry), when a 5-person retail reseller is scored, then it fits 0/100, not 50', () => {
    const integrators: IdealPartnerProfile = {
      profileId: PROFILE.profileId,
      name: 'Manufacturing integrators',
      partnerTypes: ['integrator'],
      employeeCount: { min: 50 },
      countries: [],
      specializations: [],
      clientSegments: [],
      industries: ['manufacturing'],
    };
    const reseller: FitInput = {
      type: 'reseller',
      employeeCount: 5,
      salesReps: 1,
      country: 'RU',
      specializations: [],
      clientSegments: ['smb'],
      industries: ['retail'],
    };
    const result = fitScore(integrators, reseller);
    assert.equal(result.score, 0);
    assert.ok(result.criteria.every((c) => !c.matched));
    // the three criteria set share the weights: whole numbers that add up to 100
    assert.deepEqual(
      result.criteria.filter((c) => c.weight > 0).map((c) => [c.criterion, c.weight]),
      [
        ['partnerType', 34],
        ['size', 33],
        ['industries', 33],
      ],
    );
    assert.equal(fitScore(integrators, { ...reseller, type: 'integrator', employeeCount: 60 }).score, 67);
  });

  it('given equal weights over six criteria, when the weights are shown, then they are whole numbers adding up to 100', () => {
    const { weights: _weights, ...unweighted } = PROFILE;
    const result = fitScore(unweighted, PARTNER);
    const weights = result.criteria.map((c) => c.weight);
    assert.deepEqual(weights, [17, 17, 17, 17, 16, 16]); // was 16.67 each: 100.02, and 96 once truncated to int32
    assert.equal(
      weights.reduce((a, b) => a + b, 0),
      100,
    );
    assert.ok(weights.every(Number.isInteger));
    // industries (16) is the one criterion the partner misses
    assert.equal(result.score, 84);
  });

  it('given weights on criteria the profile leaves empty, when scored, then the set criteria share all 100', () => {
    const result = fitScore(
      {
        ...PROFILE,
        countries: [],
        weights: { partnerType: 1, size: 1, geography: 2 },
      },
      PARTNER,
    );
    assert.deepEqual(
      result.criteria.filter((c) => c.weight > 0).map((c) => [c.criterion, c.weight]),
      [
        ['partnerType', 50],
        ['size', 50],
      ],
    );
    assert.equal(result.score, 100);
    for (const weights of [
      { size: 1, industries: 1, clientSegments: 1 },
      { partnerType: 7, geography: 3, size: 1 },
    ]) {
      const shown = fitScore({ ...PROFILE, weights }, PARTNER).criteria.reduce((a, c) => a + c.weight, 0);
      assert.equal(shown, 100, JSON.stringify(weights));
    }
  });

  it('a profile that sets no criterion fits nobody', () => {
    const none = fitScore(
      {
        ...PROFILE,
        partnerTypes: [],
        employeeCount: {},
        salesReps: undefined,
        countries: [],
        specializations: [],
        clientSegments: [],
        industries: [],
      },
      PARTNER,
    );
    assert.equal(none.score, 0);
    assert.ok(none.criteria.every((c) => c.weight === 0 && !c.matched));
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
