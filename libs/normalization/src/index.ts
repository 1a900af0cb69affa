export type { Normalized } from './normalized';
export { normalizeDomain, displayDomain } from './web-domain';
export { validateRussianInn, normalizeTaxId, type TaxIdScheme } from './tax-id';
export { normalizeCompanyName, companyNameKey, TRANSLITERATION } from './company-name';
export { matchKeys, matchingKeys, type CustomerIdentity, type MatchKeys, type MatchKey } from './match-keys';
export { normalizeCountry } from './tax-id';
export { FREE_MAIL_DOMAINS, isFreeMailDomain } from './free-mail';
export { keyedHasher, keyedHash, type KeyedHasher } from './keyed-hash';
export { isCountryCode, COUNTRY_CODE_COUNT } from './country';
