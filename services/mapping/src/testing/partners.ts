import { randomUUID } from 'node:crypto';
import type { EventToAppend } from '@prm/contracts';
import { streamId } from '@prm/contracts';
import type { Database } from '@prm/database';
import type { EventStore } from '@prm/event-store';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { mappingPartnerViewProjection } from '../app/partner-view.projection';

/** A valid 10-digit INN (check digit computed) for the i-th test partner. */
function partnerInn(i: number): string {
  const base = `77${String(i).padStart(7, '0')}`;
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  return base + String((w.reduce((s, k, j) => s + k * Number(base[j]), 0) % 11) % 10);
}

function event(type: string, data: unknown): EventToAppend {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      correlationId: randomUUID(),
      causationId: null,
      actor: 'test:partners',
      occurredAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

/**
 * Partners registered (and their PAMs assigned) the way the partners service publishes them,
 * applied to mapping's partner view by its projection: mapping refuses lists and sharing of a
 * partner it never heard of.
 */
export async function givenPartners(
  store: EventStore,
  db: Database,
  partners: ReadonlyArray<{ partnerId: string; pamId?: string }>,
): Promise<void> {
  for (const [i, { partnerId, pamId }] of partners.entries()) {
    const events = [
      event('PartnerRegistered', {
        partnerId,
        legalName: `Partner ${partnerId.slice(0, 8)} LLC`,
        country: 'RU',
        websiteDomain: `p-${partnerId.slice(0, 8)}.example`,
        taxId: { scheme: 'RU_INN', value: partnerInn(i) },
        type: 'integrator',
        employeeCount: 50,
        salesReps: 5,
        specializations: [],
        clientSegments: [],
        industries: [],
        program: 'default',
      }),
    ];
    if (pamId) events.push(event('PamAssigned', { partnerId, pamId, previousPamId: null }));
    await store.append(streamId('partners', 'partner', partnerId), events, 'any');
  }
  const runner = new ProjectionRunner(db, new InProcessEventBus(store, db), mappingPartnerViewProjection);
  await runner.start();
  await runner.caughtUp();
  await runner.stop();
}
