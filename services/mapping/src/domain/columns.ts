import { DomainError } from '@prm/domain';

/** The fields of an account row, whatever the export calls them. */
export type AccountField = 'name' | 'domain' | 'taxId' | 'country' | 'population' | 'externalId';

export type ExportFormat = 'salesforce' | 'hubspot' | 'bitrix24' | 'generic';

/** Header text to compare: lower case, letters and digits only ("Billing Country", "BillingCountry" → "billingcountry"). */
export const headerKey = (header: string): string =>
  header
    .replace(/^\uFEFF/, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * Recognized column names per field, in order of preference when a file has several (HubSpot
 * exports both "Company Domain Name" and "Website URL"; the domain column wins).
 */
export const COLUMN_ALIASES: Readonly<Record<AccountField, readonly string[]>> = {
  name: [
    'Account Name', // Salesforce report
    'Name', // Salesforce Data Loader (Account.Name), generic
    'Company name', // HubSpot
    'Company',
    'Organization',
    'Название компании', // Bitrix24
    'Название',
    'Наименование',
    'Компания',
    'Организация',
  ],
  domain: [
    'Domain', // generic
    'Company Domain Name', // HubSpot
    'Website', // Salesforce
    'Website URL', // HubSpot
    'Web Site',
    'Site',
    'URL',
    'Домен',
    'Сайт', // Bitrix24
    'Веб-сайт',
    'Корпоративный сайт',
  ],
  taxId: [
    'Tax ID', // generic tax_id
    'INN',
    'INN__c', // Salesforce custom field
    'Tax_ID__c',
    'TaxId__c',
    'Tax Number',
    'VAT Number',
    'VAT ID',
    'ИНН', // Bitrix24, amoCRM
  ],
  country: [
    'Country', // generic
    'Billing Country', // Salesforce report
    'BillingCountry', // Salesforce Data Loader
    'Country/Region', // HubSpot
    'Shipping Country',
    'Страна',
  ],
  population: [
    'Population', // generic
    'Lifecycle Stage', // HubSpot (its "Type" column is the company type, not the status)
    'lifecyclestage',
    'Type', // Salesforce Account.Type
    'Account Type',
    'Status',
    'Тип компании', // Bitrix24
    'Тип',
    'Статус',
  ],
  externalId: ['Account ID', 'Id', 'Record ID', 'ID компании', 'ID', 'External ID'],
};

const FIELDS = Object.keys(COLUMN_ALIASES) as AccountField[];

export interface ColumnMap {
  /** Field → index of its column in the file. */
  index: Partial<Record<AccountField, number>>;
  /** Field → the header as written in the file (for error messages). */
  header: Partial<Record<AccountField, string>>;
  format: ExportFormat;
  columnCount: number;
}

/**
 * Maps a header row to fields. Required: a population column and at least one of name, domain,
 * tax id; a missing one refuses the file with INVALID_ARGUMENT naming what is missing and the
 * names we recognize. Unrecognized columns are ignored.
 */
export function mapColumns(headers: readonly string[]): ColumnMap {
  const keys = headers.map(headerKey);
  const index: ColumnMap['index'] = {};
  const header: ColumnMap['header'] = {};
  for (const field of FIELDS) {
    for (const alias of COLUMN_ALIASES[field]) {
      const at = keys.indexOf(headerKey(alias));
      if (at !== -1 && !Object.values(index).includes(at)) {
        index[field] = at;
        header[field] = headers[at]!.replace(/^\uFEFF/, '').trim();
        break;
      }
    }
  }
  const violations: Array<{ field: string; reason: string }> = [];
  const found = `the header has ${headers.map((h) => `"${h.replace(/^\uFEFF/, '').trim()}"`).join(', ')}`;
  if (index.population === undefined) {
    violations.push({
      field: 'file.columns.population',
      reason: `missing required column population (one of ${COLUMN_ALIASES.population.join(', ')}); ${found}`,
    });
  }
  if (index.name === undefined && index.domain === undefined && index.taxId === undefined) {
    violations.push({
      field: 'file.columns.name',
      reason:
        'missing required column: at least one of company name (' +
        `${COLUMN_ALIASES.name.slice(0, 4).join(', ')}, …), domain (${COLUMN_ALIASES.domain.slice(0, 4).join(', ')}, …) ` +
        `or tax id (${COLUMN_ALIASES.taxId.slice(0, 3).join(', ')}, …); ${found}`,
    });
  }
  if (violations.length > 0) throw DomainError.invalid(violations);
  return { index, header, format: formatOf(keys), columnCount: headers.length };
}

function formatOf(keys: readonly string[]): ExportFormat {
  const has = (...names: string[]) => names.some((n) => keys.includes(headerKey(n)));
  if (has('Company Domain Name', 'Lifecycle Stage', 'Record ID', 'Country/Region')) return 'hubspot';
  if (has('Account Name', 'BillingCountry', 'Billing Country', 'Account ID')) return 'salesforce';
  if (has('Название компании', 'Тип компании', 'ID компании')) return 'bitrix24';
  return 'generic';
}
