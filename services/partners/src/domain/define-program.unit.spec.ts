import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@prm/domain';
import { defineProgram, DEFAULT_PROGRAM_DEFINITION } from './define-program';

describe('defineProgram', () => {
  it('accepts the default program', () => {
    assert.deepEqual(defineProgram(DEFAULT_PROGRAM_DEFINITION), DEFAULT_PROGRAM_DEFINITION);
  });

  it('names every bad field: unknown tier, discount over 100, bad money, repeated tier and step', () => {
    const bad = {
      program: 'Enterprise!',
      name: 'x',
      tiers: [
        { tier: 'diamond', discountPercent: 10, requirements: {} },
        {
          tier: 'gold',
          discountPercent: 130,
          requirements: { trailing12MonthRevenue: { amount: '-5', currency: 'RUB' } },
        },
      ],
      onboardingChecklist: [],
    };
    assert.throws(
      () => defineProgram(bad),
      (e: unknown) => {
        assert.ok(e instanceof DomainError && e.code === 'INVALID_ARGUMENT');
        const fields = e.violations.map((v) => v.field);
        for (const f of [
          'program',
          'tiers[0].tier',
          'tiers[1].discountPercent',
          'tiers[1].requirements.trailing12MonthRevenue.amount',
        ]) {
          assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
        }
        return true;
      },
    );
    assert.throws(
      () =>
        defineProgram({
          ...DEFAULT_PROGRAM_DEFINITION,
          tiers: [DEFAULT_PROGRAM_DEFINITION.tiers[0], DEFAULT_PROGRAM_DEFINITION.tiers[0]],
          onboardingChecklist: [
            { step: 'nda', name: 'NDA', required: true },
            { step: 'nda', name: 'NDA again', required: false },
          ],
        }),
      (e: unknown) =>
        e instanceof DomainError &&
        e.violations.some((v) => v.field === 'tiers[1].tier') &&
        e.violations.some((v) => v.field === 'onboardingChecklist[1].step'),
    );
  });
});
