/*
 * Input bounds: the one place each kind of field gets its limits, for every context. The gRPC
 * shell applies the text, size and list rules to every string and list of every request; the
 * deciders apply the money, number and date rules to the fields of those kinds. The .proto
 * comments point here. Every check names the field and says what is allowed instead.
 */
import { Violations } from './domain-error';
import { isKnownCurrency } from './money';

export const BOUNDS = {
  /** Ids and user references (UUIDs are 36; identity-provider subjects up to the contract's 200). */
  idLength: 200,
  /** One-line text: names, codes, filters, page tokens, URLs. */
  lineLength: 1_000,
  /** Free text (descriptions, reasons, notes): tab and newline allowed. */
  freeTextLength: 4_000,
  /** Items of a repeated field, unless LIST_LIMITS says otherwise. */
  listItems: 500,
  /** Whole digits of a money amount (up to 999 trillion): more is a typo or an attack. */
  amountWholeDigits: 15,
  /** Hours of one training record (a long course is a few hundred). */
  trainingHours: { min: 0, max: 1_000 },
  /** A partner's employee count. */
  employeeCount: { min: 0, max: 10_000_000 },
  /** A partner's number of sales reps. */
  salesReps: { min: 0, max: 1_000_000 },
  /** Calendar dates and date-times: years outside this range are refused. */
  years: { min: 1900, max: 2199 },
} as const;

/** Lists with a tighter limit than BOUNDS.listItems, by field name (the last path segment). */
export const LIST_LIMITS: Readonly<Record<string, number>> = { products: 100 };

/** Request fields that hold free text (tab and newline allowed, BOUNDS.freeTextLength). */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'description',
  'reason',
  'note',
  'purpose',
  'overrideReason',
]);

// Control characters (C0, DEL, C1); free text may hold tab, newline and carriage return.
// Matching control characters is the point of these two, so no-control-regex does not apply.
// eslint-disable-next-line no-control-regex
const LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Bidirectional embeddings, overrides and isolates (the "Trojan Source" set), and lone surrogates.
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextKind = 'id' | 'line' | 'freeText';

/** The kind of a request's string field, from its name: ids, free text, or one-line text. */
export function textKindOf(field: string): TextKind {
  const name =
    field
      .replace(/\[\d+\]$/, '')
      .split('.')
      .pop() ?? field;
  if (FREE_TEXT_FIELDS.has(name)) return 'freeText';
  if (name === 'id' || name.endsWith('Id')) return 'id';
  return 'line';
}

const MAX_LENGTH: Record<TextKind, number> = {
  id: BOUNDS.idLength,
  line: BOUNDS.lineLength,
  freeText: BOUNDS.freeTextLength,
};

/** Why a string of this kind is refused, or undefined when it is fine. */
export function textProblem(value: string, kind: TextKind): string | undefined {
  const max = MAX_LENGTH[kind];
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  const control = (kind === 'freeText' ? TEXT_CONTROL : LINE_CONTROL).exec(value);
  if (control)
    return (
      `must not contain control characters (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} ` +
      `at ${control.index})${kind === 'freeText' ? '; tab and newline are allowed' : ''}`
    );
  const bidi = BIDI.exec(value);
  if (bidi)
    return `must not contain bidirectional override characters (U+${bidi[0].charCodeAt(0).toString(16).toUpperCase()} at ${bidi.index})`;
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text';
  return undefined;
}

/** Why a list is refused for its length, or undefined. */
export function listProblem(field: string, length: number): string | undefined {
  const name = field.split('.').pop() ?? field;
  const max = LIST_LIMITS[name] ?? BOUNDS.listItems;
  return length > max ? `must have at most ${max} items (got ${length})` : undefined;
}

/**
 * Every text and list bound of a decoded request, checked at once: strings by their field's
 * kind, lists by their length, nested messages walked. `prefix` names the field path.
 */
export function requestBoundsViolations(value: unknown, prefix = '', v = new Violations()): Violations {
  if (typeof value === 'string') {
    const problem = textProblem(value, textKindOf(prefix));
    if (problem) v.add(prefix || 'request', problem);
  } else if (Array.isArray(value)) {
    const problem = listProblem(prefix, value.length);
    if (problem) v.add(prefix, problem);
    else value.forEach((item, i) => requestBoundsViolations(item, `${prefix}[${i}]`, v));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, item] of Object.entries(value))
      requestBoundsViolations(item, prefix ? `${prefix}.${key}` : key, v);
  }
  return v;
}

// ---------------------------------------------------------------- money

let minorUnits: Map<string, number> | undefined;

/** Decimals a currency's amounts may have: its ISO 4217 minor units (RUB 2, JPY 0, KWD 3). */
export function currencyMinorUnits(code: string): number {
  minorUnits ??= new Map();
  let units = minorUnits.get(code);
  if (units === undefined) {
    units = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits!;
    minorUnits.set(code, units);
  }
  return units;
}

/**
 * A currency code as every context stores it: trimmed and upper-cased ("rub" is RUB), or
 * undefined when it is not an ISO 4217 code this runtime knows.
 */
export function normalizeCurrency(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && isKnownCurrency(code) ? code : undefined;
}

/**
 * Why an amount the user typed is refused beyond its shape (a contract decimal): too many whole
 * digits, or more decimals than its currency has minor units. Undefined when fine, and when the
 * currency is unknown (that is the currency's own violation).
 */
export function amountBoundsProblem(amount: string, currency: string | undefined): string | undefined {
  const [whole = '', fraction = ''] = amount.split('.');
  if (whole.length > BOUNDS.amountWholeDigits)
    return `must have at most ${BOUNDS.amountWholeDigits} whole digits (got ${whole.length})`;
  if (currency === undefined) return undefined;
  const units = currencyMinorUnits(currency);
  if (fraction.replace(/0+$/, '').length > units)
    return `${currency} has ${units} decimal${units === 1 ? '' : 's'}: "${amount}" has more`;
  return undefined;
}

// ---------------------------------------------------------------- numbers

/** Checks a self-reported number against its range (finite; integer when `integer`). */
export function checkRange(
  v: Violations,
  field: string,
  value: number,
  range: { min: number; max: number },
  integer = false,
): boolean {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= range.min &&
    value <= range.max;
  v.check(
    ok,
    field,
    `must be ${integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max} (got ${String(value)})`,
  );
  return ok;
}

// ---------------------------------------------------------------- dates

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;
}

function realDay(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  return (
    y >= BOUNDS.years.min && y <= BOUNDS.years.max && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)
  );
}

/** A calendar date YYYY-MM-DD that exists (no 02-30, no month 13) within BOUNDS.years. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  return m !== null && realDay(m[1]!, m[2]!, m[3]!);
}

/** An ISO-8601 date-time with an offset or Z, whose date exists within BOUNDS.years. */
export function isDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  return m !== null && realDay(m[1]!, m[2]!, m[3]!);
}

export const DATE_REASON = `must be a calendar date YYYY-MM-DD that exists, years ${BOUNDS.years.min}–${BOUNDS.years.max}`;

/**
 * An optional date filter: a calendar date (its start, or with `endOfDay` its last
 * millisecond, UTC) or a date-time; null when empty. A value that is not one is a violation of
 * `field` (INVALID_ARGUMENT), never a database error.
 */
export function dateFilter(value: unknown, field: string, v: Violations, endOfDay = false): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (isCalendarDate(value)) {
    const ms = Date.parse(`${value}T00:00:00.000Z`);
    return new Date(endOfDay ? ms + 86_400_000 - 1 : ms);
  }
  if (isDateTime(value)) return new Date(Date.parse(value));
  v.add(field, `${DATE_REASON}, or a date-time such as 2026-03-31T12:00:00Z`);
  return null;
}

// ---------------------------------------------------------------- LIKE

/** Escapes LIKE's wildcards (% and _) and its escape character, for a "contains" filter. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
