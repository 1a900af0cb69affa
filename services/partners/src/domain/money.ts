import { amountBoundsProblem, normalizeCurrency } from '@prm/domain';
import { DecimalAmount, type Money } from '@prm/contracts';

/*
 * Exact decimal arithmetic for the contract's money amounts: a decimal string becomes an
 * integer number of millionths (the contract allows at most 6 decimals) held in a BigInt.
 * Floats are never involved, so 0.1 + 0.2 is 0.3 and a 12-digit rouble sum stays exact.
 */

const DECIMALS = 6;
const FACTOR = 10n ** BigInt(DECIMALS);

export function isDecimalAmount(amount: string): boolean {
  return DecimalAmount.safeParse(amount).success;
}

/** `"1250.5"` → 1250500000n. Throws on a string that is not a contract decimal amount. */
export function toMicros(amount: string): bigint {
  if (!isDecimalAmount(amount)) throw new Error(`not a decimal amount: "${amount}"`);
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * FACTOR + BigInt(fraction.padEnd(DECIMALS, '0'));
}

/** 1250500000n → `"1250.50"`: at least 2 decimals, trailing zeros beyond them dropped. */
export function fromMicros(micros: bigint): string {
  if (micros < 0n) throw new Error(`negative amount: ${micros}`);
  const whole = micros / FACTOR;
  let fraction = (micros % FACTOR).toString().padStart(DECIMALS, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}`;
}

/** `"120000.00 RUB"`, for messages. */
export function formatMoney(micros: bigint, currency: string): string {
  return `${fromMicros(micros)} ${currency}`;
}

/** Reasons a money input is wrong, keyed by the sub-field, or an empty list. */
export function moneyProblems(value: Money | undefined, field: string): { field: string; reason: string }[] {
  if (value === undefined || value === null || typeof value !== 'object')
    return [{ field, reason: 'is required: { amount, currency }' }];
  const problems: { field: string; reason: string }[] = [];
  if (typeof value.amount !== 'string' || !isDecimalAmount(value.amount))
    problems.push({
      field: `${field}.amount`,
      reason: 'must be a non-negative decimal string such as "1250000.50" (at most 6 decimals)',
    });
  else {
    const bounds = amountBoundsProblem(value.amount, normalizeCurrency(value.currency));
    if (bounds) problems.push({ field: `${field}.amount`, reason: bounds });
  }
  if (normalizeCurrency(value.currency) === undefined)
    problems.push({ field: `${field}.currency`, reason: 'must be an ISO 4217 currency code such as "RUB"' });
  return problems;
}

/** The money as stored: its currency code upper-cased ("rub" is RUB), as in every context. */
export function normalizeMoney<M extends Money | undefined>(value: M): M {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  return { ...value, currency: normalizeCurrency(value.currency) ?? value.currency };
}
