import { accept, refuse, type Normalized } from './normalized';

/** Official INN check-digit weights (Order of the Federal Tax Service on the INN structure). */
const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_N11_WEIGHTS = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_N12_WEIGHTS = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

const BAD_CHECK_DIGIT = 'check digit does not match (not a valid INN)';

function checkDigit(digits: string, weights: readonly number[]): number {
  const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  return (sum % 11) % 10;
}

/** A Russian INN: 10 digits (legal entity) or 12 digits (individual, ИП), check digits verified. */
export function validateRussianInn(input: string): Normalized<string> {
  const digits = input.replace(/[\s-]/gu, '');
  if (!/^(?:\d{10}|\d{12})$/.test(digits)) return refuse('must be 10 or 12 digits');
  // The first two digits are the region of the issuing tax office; no region has code 00. An
  // all-zero placeholder passes the checksum, and would make unrelated customers "the same".
  if (digits.startsWith('00')) return refuse('cannot start with 00 (not a valid INN)');
  if (digits.length === 10) {
    if (checkDigit(digits, INN10_WEIGHTS) !== Number(digits[9])) return refuse(BAD_CHECK_DIGIT);
  } else if (
    checkDigit(digits, INN12_N11_WEIGHTS) !== Number(digits[10]) ||
    checkDigit(digits, INN12_N12_WEIGHTS) !== Number(digits[11])
  ) {
    return refuse(BAD_CHECK_DIGIT);
  }
  return accept(digits);
}

export type TaxIdScheme = 'RU_INN' | 'OTHER';

/**
 * A tax id in its canonical form for the country (ISO 3166-1 alpha-2): an INN for RU, otherwise
 * the id uppercased without spaces, dashes and dots (its format is not checked).
 */
export function normalizeTaxId(
  country: string,
  input: string,
): Normalized<{ scheme: TaxIdScheme; value: string }> {
  const code = normalizeCountry(country);
  if (code === undefined) return refuse('country must be a two-letter ISO 3166-1 code, e.g. RU or DE');
  if (code === 'RU') {
    const inn = validateRussianInn(input);
    return inn.ok ? accept({ scheme: 'RU_INN', value: inn.value }) : inn;
  }
  const value = input.replace(/[\s.-]/gu, '').toUpperCase();
  if (!/^[A-Z0-9]{2,32}$/.test(value)) {
    return refuse('must be 2 to 32 letters or digits (spaces, dashes and dots are ignored)');
  }
  return accept({ scheme: 'OTHER', value });
}

/** 'ru ' → 'RU'; undefined unless two Latin letters. */
export function normalizeCountry(country: string): string | undefined {
  const code = country.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}
