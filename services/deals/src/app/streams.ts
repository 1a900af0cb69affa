import { streamId } from '@prm/contracts';

export const dealStream = (dealId: string): string => streamId('deals', 'deal', dealId);
export const customerStream = (customerId: string): string => streamId('deals', 'customer', customerId);
export const exchangeRateStream = (from: string, to: string): string =>
  streamId('deals', 'exchange-rate', `${from}-${to}`);
export const policyStream = (program: string): string => streamId('deals', 'policy', program);
export const DEAL_STREAM_PREFIX = 'deals.deal-';
