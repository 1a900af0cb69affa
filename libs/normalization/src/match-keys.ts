import { companyNameKey } from './company-name';
import { normalizeCountry, normalizeTaxId } from './tax-id';
import { normalizeDomain } from './web-domain';

export interface CustomerIdentity {
  name: string;
  country: string;
  domain?: string | null;
  taxId?: string | null;
}

export interface MatchKeys {
  domain?: string;
  taxId?: string;
  nameCountry: string;
}

export type MatchKey = 'taxId' | 'domain' | 'nameCountry';

/** Strongest evidence first: a tax id names one legal entity, a domain one web presence, a name is a guess. */
const PRIORITY: readonly MatchKey[] = ['taxId', 'domain', 'nameCountry'];

/**
 * The keys a customer record is matched on. Invalid domains and tax ids are left out rather than
 * refused; callers that must refuse bad input validate it first. `nameCountry` is '' when the name
 * has nothing left to compare (an empty name): never index or match on ''.
 */
export function matchKeys(customer: CustomerIdentity): MatchKeys {
  const keys: MatchKeys = { nameCountry: '' };
  const country = normalizeCountry(customer.country) ?? customer.country.trim().toUpperCase();
  const name = companyNameKey(customer.name);
  if (name !== '') keys.nameCountry = `${name}|${country}`;
  if (customer.domain) {
    const domain = normalizeDomain(customer.domain);
    if (domain.ok) keys.domain = domain.value;
  }
  if (customer.taxId) {
    const taxId = normalizeTaxId(customer.country, customer.taxId);
    // OTHER ids are only unique within their country: `12345678` in DE and in FR are two companies.
    if (taxId.ok) {
      keys.taxId =
        taxId.value.scheme === 'OTHER'
          ? `OTHER:${country}:${taxId.value.value}`
          : `${taxId.value.scheme}:${taxId.value.value}`;
    }
  }
  return keys;
}

/** The keys two identities share, in priority order taxId, domain, nameCountry; [] if none. */
export function matchingKeys(a: MatchKeys, b: MatchKeys): MatchKey[] {
  return PRIORITY.filter((key) => {
    const value = a[key];
    return value !== undefined && value !== '' && value === b[key];
  });
}
