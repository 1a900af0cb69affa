import { randomUUID } from 'node:crypto';
import { parseEventData, type DataOf, type EventType, type RecordedEvent } from '@prm/contracts';

/**
 * Builds catalog-valid recorded events for tests and benchmarks: the data is checked against
 * the event's zod schema, so a test cannot feed the fold something the contract forbids.
 */
export class EventFactory {
  private position = 0n;
  private readonly versions = new Map<string, number>();

  constructor(private readonly validate = true) {}

  event<T extends EventType>(type: T, data: DataOf<T>, occurredAt: string, streamId?: string): RecordedEvent {
    const parsed = this.validate ? parseEventData(type, 1, data) : data;
    const stream = streamId ?? defaultStream(type, data as Record<string, unknown>);
    const version = (this.versions.get(stream) ?? -1) + 1;
    this.versions.set(stream, version);
    return {
      id: randomUUID(),
      type,
      schemaVersion: 1,
      data: parsed,
      metadata: { correlationId: randomUUID(), causationId: null, actor: 'test', occurredAt },
      streamId: stream,
      streamVersion: version,
      globalPosition: ++this.position,
      recordedAt: new Date(occurredAt),
    };
  }
}

/** The stream an event of this type lives in (as the owning services name them). */
export function defaultStream(type: string, data: Record<string, unknown>): string {
  if (type === 'IdealPartnerProfileDefined')
    return `partners.ideal-partner-profile-${String(data.profileId)}`;
  if (type === 'ExchangeRateRecorded') return `deals.exchange-rate-${String(data.from)}-${String(data.to)}`;
  if (type === 'ScoringClockTicked') return 'metrics.scoring-clock-daily';
  if (type === 'OverlapsComputed') return `mapping.partner-mapping-${String(data.partnerId)}`;
  if ('dealId' in data) return `deals.deal-${String(data.dealId)}`;
  return `partners.partner-${String(data.partnerId)}`;
}

export const rub = (amount: string) => ({ amount, currency: 'RUB' });
