import { randomInt, randomUUID } from 'node:crypto';
import type { EventToAppend } from '@prm/contracts';

/** A deal registration the size of a real one (about 340 bytes of JSON data, 140 of metadata). */
export type BenchDealData = {
  dealId: string;
  partnerId: string;
  customer: {
    name: string;
    domain: string;
    taxId: { scheme: string; value: string };
    country: string;
  };
  estimatedValue: { amount: string; currency: string };
  products: string[];
  attribution: string;
};

const PARTNERS = Array.from({ length: 500 }, () => randomUUID());
const PRODUCTS = ['crm-enterprise', 'crm-team', 'analytics', 'telephony', 'service-desk'];

export function dealRegistered(
  dealId: string = randomUUID(),
): EventToAppend<'DealRegistered', BenchDealData> {
  const n = randomInt(1_000_000);
  return {
    id: randomUUID(),
    type: 'DealRegistered',
    schemaVersion: 1,
    data: {
      dealId,
      partnerId: PARTNERS[n % PARTNERS.length]!,
      customer: {
        name: `Customer ${n}`,
        domain: `customer-${n}.example`,
        taxId: { scheme: 'RU_INN', value: String(5_400_000_000 + n) },
        country: 'RU',
      },
      estimatedValue: { amount: `${(n % 5000) * 1000}.00`, currency: 'RUB' },
      products: [PRODUCTS[n % PRODUCTS.length]!],
      attribution: n % 3 === 0 ? 'influenced' : 'sourced',
    },
    metadata: {
      correlationId: randomUUID(),
      causationId: null,
      actor: `partner-user:${n % 977}`,
      occurredAt: new Date().toISOString(),
    },
  };
}

export function dealRegisteredBatch(size: number): EventToAppend<'DealRegistered', BenchDealData>[] {
  return Array.from({ length: size }, () => dealRegistered());
}
