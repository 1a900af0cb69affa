import { ClientSegment, CountryCode, PartnerType, type TaxId } from '@prm/contracts';
import { BOUNDS, checkRange, type Violations } from '@prm/domain';
import { normalizeDomain, normalizeTaxId } from '@prm/normalization';
import type { PartnerProfileInput } from './partner.commands';
import type { PartnerProfile } from './partner.state';

/*
 * Validation and normalization of the profile fields, shared by registration and update so
 * both refuse the same input with the same messages. Every bad field is added to the
 * Violations (the caller throws them all at once); the normalized values are returned.
 */

const MAX_NAME = 300;
const MAX_REGION = 100;
const MAX_TAG = 100;

export function isPartnerType(value: unknown): value is PartnerType {
  return PartnerType.safeParse(value).success;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function checkLegalName(value: unknown, v: Violations): string | undefined {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0) v.add('legalName', 'must not be empty');
  else if (name.length > MAX_NAME) v.add('legalName', `must be at most ${MAX_NAME} characters`);
  else return name;
  return undefined;
}

export function checkCountry(value: unknown, v: Violations): string | undefined {
  if (typeof value === 'string' && CountryCode.safeParse(value).success) return value;
  v.add(
    'country',
    `must be an ISO 3166-1 alpha-2 code in upper case, e.g. "RU" (got ${JSON.stringify(value)})`,
  );
  return undefined;
}

/** undefined: nothing given; null: cleared. */
export function checkRegion(value: unknown, v: Violations): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') {
    v.add('region', 'must be text');
    return undefined;
  }
  const region = value.trim();
  if (region.length === 0) return null;
  if (region.length > MAX_REGION) {
    v.add('region', `must be at most ${MAX_REGION} characters`);
    return undefined;
  }
  return region;
}

export function checkWebsite(value: unknown, v: Violations): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    v.add('website', 'must not be empty: the partner’s web domain or URL, e.g. "integrator.example"');
    return undefined;
  }
  const domain = normalizeDomain(value);
  if (domain.ok) return domain.value;
  v.add('website', `${domain.reason} (got ${JSON.stringify(value)})`);
  return undefined;
}

/** The tax id for a country (RU: an INN with valid check digits); needs a valid country. */
export function checkTaxId(country: string | undefined, value: unknown, v: Violations): TaxId | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) {
    v.add('taxId', 'must not be empty');
    return undefined;
  }
  if (country === undefined) return undefined; // the country's own violation says what is wrong
  const taxId = normalizeTaxId(country, value);
  if (taxId.ok) return taxId.value;
  v.add('taxId', `${taxId.reason} (got ${JSON.stringify(value)} for country ${country})`);
  return undefined;
}

export function checkType(value: unknown, v: Violations): PartnerType | undefined {
  if (isPartnerType(value)) return value;
  v.add('type', `must be one of ${PartnerType.options.join(', ')} (got ${JSON.stringify(value)})`);
  return undefined;
}

/** A count; employeeCount and salesReps within their range in @prm/domain's BOUNDS. */
export function checkCount(field: string, value: unknown, v: Violations): number | undefined {
  if (!isCount(value)) {
    v.add(field, `must be a non-negative integer (got ${JSON.stringify(value)})`);
    return undefined;
  }
  if (field === 'employeeCount' || field === 'salesReps')
    return checkRange(v, field, value, BOUNDS[field], true) ? value : undefined;
  return value;
}

export function checkSalesReps(
  employeeCount: number | undefined,
  salesReps: number | undefined,
  v: Violations,
) {
  if (employeeCount !== undefined && salesReps !== undefined && salesReps > employeeCount)
    v.add(
      'salesReps',
      `must not exceed employeeCount (${salesReps} sales reps > ${employeeCount} employees)`,
    );
}

/** Trimmed, de-duplicated free-text tags (specializations, industries). */
export function checkTags(field: string, value: unknown, v: Violations): string[] | undefined {
  if (!Array.isArray(value)) {
    v.add(field, 'must be a list of text values');
    return undefined;
  }
  const tags: string[] = [];
  let ok = true;
  value.forEach((item: unknown, i) => {
    const tag = typeof item === 'string' ? item.trim() : '';
    if (tag.length === 0 || tag.length > MAX_TAG) {
      v.add(`${field}[${i}]`, `must be text of 1 to ${MAX_TAG} characters`);
      ok = false;
    } else if (!tags.includes(tag)) tags.push(tag);
  });
  return ok ? tags : undefined;
}

export function checkClientSegments(value: unknown, v: Violations): ClientSegment[] | undefined {
  if (!Array.isArray(value)) {
    v.add('clientSegments', 'must be a list of client segments');
    return undefined;
  }
  const segments: ClientSegment[] = [];
  let ok = true;
  value.forEach((item: unknown, i) => {
    const parsed = ClientSegment.safeParse(item);
    if (!parsed.success) {
      v.add(
        `clientSegments[${i}]`,
        `must be one of ${ClientSegment.options.join(', ')} (got ${JSON.stringify(item)})`,
      );
      ok = false;
    } else if (!segments.includes(parsed.data)) segments.push(parsed.data);
  });
  return ok ? segments : undefined;
}

/** Every field of a registration, normalized; undefined when any is wrong (all are in `v`). */
export function checkFullProfile(input: PartnerProfileInput, v: Violations): PartnerProfile | undefined {
  const legalName = checkLegalName(input.legalName, v);
  const country = checkCountry(input.country, v);
  const region = checkRegion(input.region, v);
  const websiteDomain = checkWebsite(input.website, v);
  const taxId = checkTaxId(country, input.taxId, v);
  const type = checkType(input.type, v);
  const employeeCount = checkCount('employeeCount', input.employeeCount, v);
  const salesReps = checkCount('salesReps', input.salesReps, v);
  checkSalesReps(employeeCount, salesReps, v);
  const specializations = checkTags('specializations', input.specializations, v);
  const clientSegments = checkClientSegments(input.clientSegments, v);
  const industries = checkTags('industries', input.industries, v);
  if (v.any) return undefined;
  return {
    legalName: legalName!,
    country: country!,
    ...(region ? { region } : {}),
    websiteDomain: websiteDomain!,
    taxId: taxId!,
    type: type!,
    employeeCount: employeeCount!,
    salesReps: salesReps!,
    specializations: specializations!,
    clientSegments: clientSegments!,
    industries: industries!,
  };
}

/** Same set of values, whatever the order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (list: readonly string[]) => [...list].sort();
  const [x, y] = [sorted(a), sorted(b)];
  return x.every((value, i) => value === y[i]);
}

export function sameTaxId(a: TaxId, b: TaxId): boolean {
  return a.scheme === b.scheme && a.value === b.value;
}
