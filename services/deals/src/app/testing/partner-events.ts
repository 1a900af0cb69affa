import { randomUUID } from 'node:crypto';
import { streamId, type EventToAppend } from '@prm/contracts';
import type { EventStore } from '@prm/event-store';

/*
 * The partners service's events as the deals service receives them (catalog-valid data), for
 * tests that must not import another service: a partner registered, moved to a journey stage,
 * given a PAM and a tier.
 */

/** A random valid 10-digit INN (check digit computed; never starting with 00). */
export function randomInn(): string {
  const base =
    String(1 + Math.floor(Math.random() * 9)) + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const check = (w.reduce((s, k, i) => s + k * Number(base[i]), 0) % 11) % 10;
  return base + String(check);
}

function event(type: string, data: unknown, at: string): EventToAppend {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { correlationId: randomUUID(), causationId: null, actor: 'test:partners', occurredAt: at },
  };
}

export interface TestPartner {
  partnerId: string;
  stage?: string;
  pamId?: string;
  tier?: {
    tier: 'registered' | 'silver' | 'gold' | 'platinum';
    discountPercent: number;
    effectiveFrom: string;
  };
  program?: string;
}

/** Appends a partner's events to the store, as the partners service would have. */
export async function givenPartner(
  store: EventStore,
  partner: TestPartner,
  at = '2026-01-01T00:00:00.000Z',
): Promise<void> {
  const { partnerId } = partner;
  const events: EventToAppend[] = [
    event(
      'PartnerRegistered',
      {
        partnerId,
        legalName: `Partner ${partnerId.slice(0, 8)} LLC`,
        country: 'RU',
        websiteDomain: `p-${partnerId.slice(0, 8)}.example`,
        taxId: { scheme: 'RU_INN', value: randomInn() },
        type: 'integrator',
        employeeCount: 50,
        salesReps: 5,
        specializations: [],
        clientSegments: [],
        industries: [],
        program: partner.program ?? 'default',
      },
      at,
    ),
    event(
      'PartnerJourneyStageReached',
      { partnerId, stage: partner.stage ?? 'enabled', previousStage: null, reachedAt: at },
      at,
    ),
  ];
  if (partner.pamId)
    events.push(event('PamAssigned', { partnerId, pamId: partner.pamId, previousPamId: null }, at));
  if (partner.tier)
    events.push(
      event(
        'PartnerTierChanged',
        {
          partnerId,
          tier: partner.tier.tier,
          previousTier: null,
          discountPercent: partner.tier.discountPercent,
          effectiveFrom: partner.tier.effectiveFrom,
        },
        at,
      ),
    );
  await store.append(streamId('partners', 'partner', partnerId), events, 'any');
}
