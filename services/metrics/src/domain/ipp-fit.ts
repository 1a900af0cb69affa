import { fitScore } from '@prm/domain';
import type { IdealPartnerProfile, PartnerProfileFacts } from './partner-health';

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

/** 0..100, rounded to an integer: the rule the partners service shows (fitScore in @prm/domain). */
export function ippFit(ipp: IdealPartnerProfile, partner: PartnerProfileFacts): number {
  return fitScore(ipp, partner).score;
}
