import type { DataOf } from '@prm/contracts';
import { DomainError, isDecimal, isKnownCurrency, toMicros, Violations } from '@prm/domain';
import { matchKeys } from '@prm/normalization';
import { checkCustomer, isIsoDate } from './deal.decider';

/*
 * Vendor-level definitions of the deals context, each checked here (pure) before the shell
 * appends it: customer ABC classes, exchange rates into the reporting currency, and the deal
 * policy (protection window) of a partner program.
 */

const CLASSES = ['A', 'B', 'C'] as const;

export interface ClassifyCustomerInput {
  customerId: string;
  name: string;
  domain?: string;
  taxId?: string;
  country: string;
  customerClass: string;
  accountOwner?: string;
  reason?: string;
}

/** The CustomerClassified event for a classification (previousClass as the shell found it). */
export function classifyCustomer(
  input: ClassifyCustomerInput,
  previousClass: 'A' | 'B' | 'C' | null,
  openDealCount: number,
): DataOf<'CustomerClassified'> {
  const v = new Violations();
  const { name, country, domain, taxId } = checkCustomer(input, v, (f) => f, {
    field: 'domain',
    reason: 'give the customer’s web domain or tax id (at least one) so its deals can be found',
  });
  if (!CLASSES.includes(input.customerClass as 'A')) v.add('customerClass', 'must be A, B or C');
  if (input.accountOwner !== undefined && input.accountOwner.length > 200)
    v.add('accountOwner', 'must be at most 200 characters');
  if (input.reason !== undefined && input.reason.length > 2000)
    v.add('reason', 'must be at most 2000 characters');
  v.throwIfAny();
  return {
    customerId: input.customerId,
    customerName: name,
    ...(domain && { domain }),
    ...(taxId && { taxId }),
    country,
    customerKeys: matchKeys({ name, country, domain, taxId: taxId?.value }),
    customerClass: input.customerClass as 'A' | 'B' | 'C',
    previousClass,
    ...(input.accountOwner?.trim() && { accountOwner: input.accountOwner.trim() }),
    ...(input.reason?.trim() && { reason: input.reason.trim() }),
    openDealCount,
  };
}

export function exchangeRate(input: {
  from: string;
  to: string;
  rate: string;
  effectiveOn: string;
}): DataOf<'ExchangeRateRecorded'> {
  const v = new Violations();
  const from = (input.from ?? '').trim().toUpperCase();
  const to = (input.to ?? '').trim().toUpperCase();
  if (!isKnownCurrency(from)) v.add('from', `"${input.from ?? ''}" is not an ISO 4217 currency code`);
  if (!isKnownCurrency(to)) v.add('to', `"${input.to ?? ''}" is not an ISO 4217 currency code`);
  if (from === to && from) v.add('to', 'must differ from "from"');
  if (!isDecimal(input.rate) || toMicros(input.rate) === 0n)
    v.add('rate', 'must be a positive decimal such as "0.0105" (at most 6 decimals)');
  if (!isIsoDate(input.effectiveOn)) v.add('effectiveOn', 'must be a date YYYY-MM-DD');
  v.throwIfAny();
  return { from, to, rate: input.rate, effectiveOn: input.effectiveOn };
}

export function dealPolicy(input: {
  program: string;
  protectionDays: number;
  maxExtensionDays: number;
  allowStageSkipping?: boolean;
}): DataOf<'DealPolicyDefined'> {
  const v = new Violations();
  if (!/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/.test(input.program ?? ''))
    v.add('program', 'must be a program key such as "default"');
  if (!Number.isInteger(input.protectionDays) || input.protectionDays < 1 || input.protectionDays > 730)
    v.add('protectionDays', 'must be a whole number of days from 1 to 730');
  if (!Number.isInteger(input.maxExtensionDays) || input.maxExtensionDays < 0 || input.maxExtensionDays > 365)
    v.add('maxExtensionDays', 'must be a whole number of days from 0 to 365');
  if (input.allowStageSkipping !== undefined && typeof input.allowStageSkipping !== 'boolean')
    v.add('allowStageSkipping', 'must be true or false');
  v.throwIfAny();
  return {
    program: input.program,
    protectionDays: input.protectionDays,
    maxExtensionDays: input.maxExtensionDays,
    ...(input.allowStageSkipping && { allowStageSkipping: true }),
  };
}

export function requireVendorAdmin(role: string, what: string): void {
  if (role !== 'vendor_admin' && role !== 'service')
    throw DomainError.permissionDenied(`only a vendor admin may ${what}`);
}
