import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@prm/domain';
import { defineIdealPartnerProfile } from './define-ideal-partner-profile';

const valid = {
  profileId: '6f1c2f43-3a51-4d7e-9a55-2b1d1d0c1a11',
  name: 'Enterprise integrators, CIS',
  partnerTypes: ['integrator'],
  employeeCount: { min: 50, max: 500 },
  countries: ['RU', 'KZ'],
  specializations: ['erp-implementation'],
  clientSegments: ['enterprise'],
  industries: [],
  weights: { partnerType: 30, size: 20, geography: 20, specialization: 30 },
};

describe('defineIdealPartnerProfile', () => {
  it('accepts a valid profile as the event payload', () => {
    assert.deepEqual(defineIdealPartnerProfile(valid), valid);
  });

  it('names every bad field at once', () => {
    assert.throws(
      () =>
        defineIdealPartnerProfile({
          ...valid,
          partnerTypes: ['wizard'],
          countries: ['Russia'],
          weights: { partnerType: 130 },
          employeeCount: { min: 500, max: 50 },
        }),
      (e: unknown) => {
        assert.ok(e instanceof DomainError);
        assert.equal(e.code, 'INVALID_ARGUMENT');
        const fields = e.violations.map((x) => x.field);
        for (const f of ['partnerTypes[0]', 'countries[0]', 'weights.partnerType'])
          assert.ok(fields.includes(f), fields.join(','));
        return true;
      },
    );
  });

  it('refuses a size range whose minimum is above its maximum', () => {
    assert.throws(
      () => defineIdealPartnerProfile({ ...valid, employeeCount: { min: 500, max: 50 } }),
      (e: unknown) => e instanceof DomainError && e.violations[0]!.field === 'employeeCount.min',
    );
  });

  it('refuses size ranges past the bounds of a partner’s own counts (issue 22)', () => {
    assert.throws(
      () =>
        defineIdealPartnerProfile({
          ...valid,
          employeeCount: { min: 0, max: 1e12 },
          salesReps: { min: 2e9 },
        }),
      (e: unknown) =>
        e instanceof DomainError &&
        ['employeeCount.max', 'salesReps.min'].every((f) => e.violations.some((x) => x.field === f)),
    );
  });
});
