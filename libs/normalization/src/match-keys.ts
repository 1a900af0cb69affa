import { companyNameKeys } from './company-name';
import { domainKey } from './domain-key';
import { normalizeCountry, normalizeTaxId } from './tax-id';
import { normalizeDomain } from './web-domain';

export interface CustomerIdentity {
  name: string;
  country: string;
  domain?: string | null;
  taxId?: string | null;
}

export interface MatchKeys {
  /** The registrable domain (`domainKey`); absent for a free-mail domain. */
  domain?: string;
  taxId?: string;
  /** The primary name key, `<companyNameKey>|<COUNTRY>`; '' for an empty name. */
  nameCountry: string;
  /** The other spellings of the name (`companyNameKeys` after the first), same format; absent when none. */
  nameVariants?: string[];
}

export type MatchKey = 'taxId' | 'domain' | 'nameCountry';

/** Strongest evidence first: a tax id names one legal entity, a domain one web presence, a name is a guess. */
const PRIORITY: readonly MatchKey[] = ['taxId', 'domain', 'nameCountry'];

/** Every name key of a company name in a country, `<key>|<COUNTRY>`, the primary first; [] for an empty name. */
export function nameCountryKeys(name: string, country: string): string[] {
  const code = normalizeCountry(country) ?? country.trim().toUpperCase();
  return companyNameKeys(name).map((key) => `${key}|${code}`);
}

/** `RU_INN:<inn>` or `OTHER:<COUNTRY>:<id>` (OTHER ids are unique only within their country); undefined if invalid. */
export function taxIdKey(country: string, taxId: string): string | undefined {
  const normalized = normalizeTaxId(country, taxId);
  if (!normalized.ok) return undefined;
  const code = normalizeCountry(country) ?? country.trim().toUpperCase();
  return normalized.value.scheme === 'OTHER'
    ? `OTHER:${code}:${normalized.value.value}`
    : `${normalized.value.scheme}:${normalized.value.value}`;
}

/**
 * The keys a customer record is matched on. Invalid domains and tax ids are left out rather than
 * refused; callers that must refuse bad input validate it first. A free-mail domain is left out
 * too (it names no company), and a domain is keyed by its registrable domain. `nameCountry` is ''
 * when the name has nothing left to compare (an empty name): never index or match on ''.
 */
export function matchKeys(customer: CustomerIdentity): MatchKeys {
  const names = nameCountryKeys(customer.name, customer.country);
  const keys: MatchKeys = { nameCountry: names[0] ?? '' };
  if (names.length > 1) keys.nameVariants = names.slice(1);
  if (customer.domain) {
    const domain = normalizeDomain(customer.domain);
    const key = domain.ok ? domainKey(domain.value) : undefined;
    if (key !== undefined) keys.domain = key;
  }
  if (customer.taxId) {
    const key = taxIdKey(customer.country, customer.taxId);
    if (key !== undefined) keys.taxId = key;
  }
  return keys;
}

/** Every name key of a record: `nameCountry` and its variants, without ''. */
export function allNameKeys(keys: Pick<MatchKeys, 'nameCountry' | 'nameVariants'>): string[] {
  return [...(keys.nameCountry ? [keys.nameCountry] : []), ...(keys.nameVariants ?? [])];
}

const sharesName = (a: MatchKeys, b: MatchKeys): boolean => {
  const theirs = allNameKeys(b);
  return allNameKeys(a).some((key) => theirs.includes(key));
};

/** The keys two identities share, in priority order taxId, domain, nameCountry (any name spelling); [] if none. */
export function matchingKeys(a: MatchKeys, b: MatchKeys): MatchKey[] {
  return PRIORITY.filter((key) => {
    if (key === 'nameCountry') return sharesName(a, b);
    const value = a[key];
    return value !== undefined && value !== '' && value === b[key];
  });
}

/**
 * How sure it is that two customer records are one company:
 * - `same`: they share a tax id or a (registrable, non-free-mail) domain;
 * - `possible`: they share only a name spelling in one country, and do not carry two different
 *   tax ids (a name is a guess: the vendor decides);
 * - `none`: nothing shared, or only a name while their tax ids differ (two legal entities).
 */
export type Sameness = 'same' | 'possible' | 'none';

export interface CustomerComparison {
  sameness: Sameness;
  /** The keys that link them, strongest first; [] for `none`. */
  matchedOn: MatchKey[];
}

/**
 * The one matching rule of the platform: the deals service's channel-conflict check and the
 * mapping service's overlap engine (in typed arrays, on hashed keys) both decide this relation,
 * and both are run against MATCHING_CASES.
 */
export function compareCustomers(a: MatchKeys, b: MatchKeys): CustomerComparison {
  const shared = matchingKeys(a, b);
  if (shared.includes('taxId') || shared.includes('domain')) return { sameness: 'same', matchedOn: shared };
  if (shared.length === 0) return { sameness: 'none', matchedOn: [] };
  if (a.taxId !== undefined && b.taxId !== undefined && a.taxId !== b.taxId)
    return { sameness: 'none', matchedOn: [] };
  return { sameness: 'possible', matchedOn: shared };
}
