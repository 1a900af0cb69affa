export type { Normalized } from './normalized';
export { normalizeDomain, displayDomain } from './web-domain';
export { validateRussianInn, normalizeTaxId, type TaxIdScheme } from './tax-id';
export { normalizeCompanyName, companyNameKey, TRANSLITERATION } from './company-name';
export { matchKeys, matchingKeys, type CustomerIdentity, type MatchKeys, type MatchKey } from './match-keys';
