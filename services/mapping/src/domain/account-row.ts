import {
  domainKey,
  nameCountryKeys,
  normalizeDomain,
  normalizeTaxId,
  validateRussianInn,
} from '@prm/normalization';
import type { ColumnMap } from './columns';
import { parseCountry } from './countries';
import { parsePopulation, populationCode, type PopulationCode } from './populations';

/** A bad row: where (line in the file, column header as written) and why. */
export interface RowError {
  line: number;
  column: string;
  reason: string;
}

/** The match keys of an account, as strings (the formats of `matchKeys` in @prm/normalization). */
export interface AccountKeys {
  taxId?: string;
  /** The registrable domain (`domainKey`); never a free-mail one. */
  domain?: string;
  nameCountry?: string;
  /** The other spellings of the name + country (`nameCountryKeys` after the first). */
  nameVariants?: string[];
}

/** An accepted row: its population, what may be shown (when not in privacy mode) and its match keys. */
export interface AccountRow {
  line: number;
  population: PopulationCode;
  name: string | null;
  /** Normalized (punycode for IDN). */
  domain: string | null;
  /** `RU_INN:<inn>` or `OTHER:<COUNTRY>:<id>`. */
  taxId: string | null;
  country: string | null;
  externalId: string | null;
  keys: AccountKeys;
}

const EMPTY = new Set(['', '-', '—', 'n/a', 'na', 'none', 'null', 'нет']);
const MAX_NAME = 500;

/** A field, trimmed; NUL characters (which no database text holds) removed. */
const cell = (fields: readonly string[], at: number | undefined): string => {
  if (at === undefined) return '';
  const value = (fields[at] ?? '').trim();
  return value.includes('\u0000') ? value.split('\u0000').join('') : value;
};
const isEmpty = (value: string) => value === '' || (value.length <= 4 && EMPTY.has(value.toLowerCase()));

/**
 * Reads one data row. Every problem of the row is reported (not only the first); a row with
 * any problem is rejected as a whole. The keys are @prm/normalization's (`domainKey`,
 * `nameCountryKeys`): a free-mail domain (gmail.com, mail.ru) is kept for display but never
 * becomes a key, and a domain is keyed by its registrable domain (shop.acme.ru → acme.ru).
 */
export function readAccountRow(
  fields: readonly string[],
  line: number,
  columns: ColumnMap,
): { row?: AccountRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const h = columns.header;
  if (fields.length !== columns.columnCount) {
    errors.push({
      line,
      column: '',
      reason: `has ${fields.length} fields but the header has ${columns.columnCount}`,
    });
    return { errors };
  }

  const rawPopulation = cell(fields, columns.index.population);
  const population = parsePopulation(rawPopulation);
  if (rawPopulation === '') {
    errors.push({ line, column: h.population!, reason: 'is empty; give customer, opportunity or prospect' });
  } else if (!population) {
    errors.push({
      line,
      column: h.population!,
      reason:
        `unknown population "${rawPopulation.slice(0, 60)}"; use customer, opportunity or prospect ` +
        '(Salesforce Type and HubSpot lifecycle stage values are recognized too)',
    });
  }

  let country: string | null = null;
  const rawCountry = cell(fields, columns.index.country);
  if (!isEmpty(rawCountry)) {
    country = parseCountry(rawCountry) ?? null;
    if (!country) {
      errors.push({
        line,
        column: h.country!,
        reason: `unknown country "${rawCountry.slice(0, 60)}"; give an ISO 3166-1 alpha-2 code such as RU or DE`,
      });
    }
  }

  const keys: AccountKeys = {};
  let domain: string | null = null;
  const rawDomain = cell(fields, columns.index.domain);
  if (!isEmpty(rawDomain)) {
    const normalized = normalizeDomain(rawDomain);
    if (!normalized.ok) errors.push({ line, column: h.domain!, reason: normalized.reason });
    else {
      domain = normalized.value;
      const key = domainKey(domain);
      if (key !== undefined) keys.domain = key;
    }
  }

  let taxId: string | null = null;
  const rawTaxId = cell(fields, columns.index.taxId);
  if (!isEmpty(rawTaxId)) {
    if (country && country !== 'RU') {
      const normalized = normalizeTaxId(country, rawTaxId);
      if (!normalized.ok) errors.push({ line, column: h.taxId!, reason: normalized.reason });
      else taxId = `OTHER:${country}:${normalized.value.value}`;
    } else {
      const inn = validateRussianInn(rawTaxId);
      if (!inn.ok) {
        errors.push({
          line,
          column: h.taxId!,
          reason: country
            ? inn.reason
            : `${inn.reason} (without a country a tax id is read as a Russian INN)`,
        });
      } else taxId = `RU_INN:${inn.value}`;
    }
    if (taxId) keys.taxId = taxId;
  }

  const rawName = cell(fields, columns.index.name);
  let name: string | null = null;
  if (rawName !== '') {
    if (rawName.length > MAX_NAME) {
      errors.push({ line, column: h.name!, reason: `is longer than ${MAX_NAME} characters` });
    } else {
      name = rawName;
      if (country) {
        const [first, ...variants] = nameCountryKeys(rawName, country);
        if (first !== undefined) keys.nameCountry = first;
        if (variants.length > 0) keys.nameVariants = variants;
      }
    }
  }

  if (errors.length === 0 && !keys.taxId && !keys.domain && !keys.nameCountry) {
    errors.push({
      line,
      column: h.name ?? h.domain ?? h.taxId ?? '',
      reason:
        'no usable match key: give a company domain (not a free-mail one), a tax id, or a company name with a country',
    });
  }
  if (errors.length > 0) return { errors };
  const externalId = cell(fields, columns.index.externalId);
  return {
    errors,
    row: {
      line,
      population: populationCode(population!),
      name,
      domain,
      taxId,
      country,
      externalId: externalId === '' ? null : externalId.slice(0, 200),
      keys,
    },
  };
}
