export type { Normalized } from './normalized';
export { normalizeDomain, displayDomain } from './web-domain';
export { registrableDomain, domainKey } from './domain-key';
export { validateRussianInn, normalizeTaxId, type TaxIdScheme } from './tax-id';
export {
  normalizeCompanyName,
  companyNameKey,
  companyNameKeys,
  MAX_NAME_KEYS,
  TRANSLITERATION,
} from './company-name';
export { LEGAL_FORMS, type LegalForm } from './legal-forms';
export {
  matchKeys,
  matchingKeys,
  compareCustomers,
  nameCountryKeys,
  taxIdKey,
  allNameKeys,
  type CustomerIdentity,
  type MatchKeys,
  type MatchKey,
  type Sameness,
  type CustomerComparison,
} from './match-keys';
export { MATCHING_CASES, type MatchingCase } from './matching-cases';
export { normalizeCountry } from './tax-id';
export { FREE_MAIL_DOMAINS, isFreeMailDomain } from './free-mail';
export { keyedHasher, keyedHash, type KeyedHasher } from './keyed-hash';
export { isCountryCode, COUNTRY_CODE_COUNT } from './country';
