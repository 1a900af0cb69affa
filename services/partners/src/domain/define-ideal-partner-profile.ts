import type { DataOf } from '@prm/contracts';
import { BOUNDS, checkRange, DomainError, Violations } from '@prm/domain';
import { eventDataOf } from './event-data';

/**
 * Validates a vendor's ideal partner profile (every bad field named at once) and returns the
 * IdealPartnerProfileDefined payload. Pure: the profile id comes with the input.
 */
export function defineIdealPartnerProfile(input: unknown): DataOf<'IdealPartnerProfileDefined'> {
  const profile = eventDataOf('IdealPartnerProfileDefined', input);
  const v = new Violations();
  for (const key of ['employeeCount', 'salesReps'] as const) {
    const range = profile[key];
    // The range's ends are self-reported counts: the same bounds as a partner's own.
    for (const end of ['min', 'max'] as const)
      if (range?.[end] !== undefined) checkRange(v, `${key}.${end}`, range[end], BOUNDS[key], true);
    if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
      v.add(`${key}.min`, `must not be greater than ${key}.max (${range.min} > ${range.max})`);
    }
  }
  v.throwIfAny();
  if (!profile.name.trim()) throw DomainError.invalid([{ field: 'name', reason: 'must not be blank' }]);
  return profile;
}
