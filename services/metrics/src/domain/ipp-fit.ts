import type { IdealPartnerProfile, PartnerProfileFacts } from './partner-health';

/*
 * Fit of a partner to the vendor's ideal partner profile (IPP), 0..100: the same rule the
 * partners service documents (services never import each other, so it is restated here from
 * the IdealPartnerProfileDefined contract): six criteria, each matched or not, weighted by the
 * profile's weights scaled to sum to 100; no weights (or all zero) means equal weights; an
 * empty list or range in the profile accepts anything.
 */

const CRITERIA = [
  'partnerType',
  'size',
  'geography',
  'specialization',
  'clientSegments',
  'industries',
] as const;
type Criterion = (typeof CRITERIA)[number];

const lower = (values: readonly string[]) => values.map((v) => v.trim().toLowerCase());
const inRange = (v: number, r: { min?: number; max?: number } | undefined) =>
  (r?.min === undefined || v >= r.min) && (r?.max === undefined || v <= r.max);
const overlaps = (wanted: readonly string[], has: readonly string[]) =>
  wanted.length === 0 || has.some((h) => lower(wanted).includes(h.trim().toLowerCase()));

function matches(c: Criterion, ipp: IdealPartnerProfile, p: PartnerProfileFacts): boolean {
  switch (c) {
    case 'partnerType':
      return ipp.partnerTypes.length === 0 || (ipp.partnerTypes as string[]).includes(p.type);
    case 'size':
      return inRange(p.employeeCount, ipp.employeeCount) && inRange(p.salesReps, ipp.salesReps);
    case 'geography': {
      const regions = ipp.regions ?? [];
      const countryOk = ipp.countries.length === 0 || ipp.countries.includes(p.country);
      const regionOk =
        regions.length === 0 || (p.region !== null && lower(regions).includes(p.region.trim().toLowerCase()));
      return countryOk && regionOk;
    }
    case 'specialization':
      return overlaps(ipp.specializations, p.specializations);
    case 'clientSegments':
      return overlaps(ipp.clientSegments, p.clientSegments);
    case 'industries':
      return overlaps(ipp.industries, p.industries);
  }
}

const fits = new WeakMap<PartnerProfileFacts, { ipp: IdealPartnerProfile; fit: number }>();

/**
 * ippFit memoized per (profile object, profile definition object): the fold replaces a
 * partner's profile object on every change (never mutates it) and the global IPP on every
 * definition, so identity is a safe key.
 */
export function cachedIppFit(ipp: IdealPartnerProfile, partner: PartnerProfileFacts): number {
  const hit = fits.get(partner);
  if (hit && hit.ipp === ipp) return hit.fit;
  const fit = ippFit(ipp, partner);
  fits.set(partner, { ipp, fit });
  return fit;
}

/** 0..100, rounded to an integer. */
export function ippFit(ipp: IdealPartnerProfile, partner: PartnerProfileFacts): number {
  const raw = Object.fromEntries(CRITERIA.map((c) => [c, ipp.weights ? (ipp.weights[c] ?? 0) : 1])) as Record<
    Criterion,
    number
  >;
  let total = CRITERIA.reduce((s, c) => s + raw[c], 0);
  if (total <= 0) {
    for (const c of CRITERIA) raw[c] = 1;
    total = CRITERIA.length;
  }
  let score = 0;
  for (const c of CRITERIA) if (matches(c, ipp, partner)) score += (raw[c] * 100) / total;
  return Math.round(score);
}
