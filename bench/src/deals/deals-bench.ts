import { randomUUID } from 'node:crypto';
import { PostgresDatabase } from '@prm/database';
import { DealsApplication, type Actor } from '@prm/deals';
import { SqlEventStore } from '@prm/event-store';
import { createTestDatabase } from '@prm/testing';
import { log, percentile, progress, round, runConcurrently } from '../measure';

export interface DealsBenchOptions {
  /** Multiplies registrations and customers (1 = the 100,000 over 20,000). */
  scale: number;
  clients?: number;
}

const GOALS = { registrationsPerSecond: 1500, p99Ms: 25 };

/**
 * Deal registration under load, on the real PostgreSQL the infra scripts start: 100,000
 * registrations over 20,000 customers by 32 concurrent clients through DealsApplication
 * (validation, normalization, the customer-key locks, the conflict registry, the append with
 * its group commit, and recording the conflict on the earlier deal). Each customer belongs to
 * one partner who registers several deals for it; about 5 % of registrations come from a rival
 * partner and conflict. Latency is measured per registration call.
 */
export async function runDealsBench(options: DealsBenchOptions) {
  const clients = options.clients ?? 32;
  const registrations = Math.max(100, Math.round(100_000 * options.scale));
  const customers = Math.max(20, Math.round(20_000 * options.scale));
  const partnerCount = 200;
  const tdb = await createTestDatabase('bench_deals');
  const db = new PostgresDatabase(tdb.url, { max: clients + 8 });
  const store = await SqlEventStore.create(db);
  try {
    const app = await DealsApplication.create(store, db);
    const partners = Array.from({ length: partnerCount }, () => randomUUID());
    // The partner view is what the partners' events would have built; seeded directly here.
    await db.query(
      `INSERT INTO deals_partner_view (partner_id, stage, pam_id, program)
       SELECT p, 'enabled', 'user:pam-' || (i % 20), 'default' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(p, i)`,
      [partners],
    );
    const actorOf = (partnerId: string): Actor => ({
      id: `user:${partnerId.slice(0, 8)}`,
      role: 'partner_user',
      partnerId,
    });
    const latencies = new Float64Array(registrations);
    let conflicted = 0;
    let holding = 0;
    const show = progress('deals: registrations', registrations);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await runConcurrently(
      clients,
      registrations,
      async (k) => {
        const c = k % customers;
        const owner = c % partnerCount;
        // ~5 % of the registrations after the first round come from a rival partner.
        const rival = k >= customers && (k * 2654435761) % 100 < 6;
        const partnerId = partners[rival ? (owner + 1 + (k % 7)) % partnerCount : owner]!;
        const t0 = performance.now();
        const result = await app.registerDeal(
          {
            channel: 'partner',
            partnerId,
            customer: {
              name: k % 2 === 0 ? `ООО «Клиент ${c}»` : `Klient ${c} LLC`,
              domain: k % 3 === 0 ? `https://www.client-${c}.example/` : `client-${c}.example`,
              country: 'RU',
            },
            estimatedValue: { amount: String(100_000 + (k % 1000) * 1000), currency: 'RUB' },
            expectedCloseDate: '2099-12-31',
            products: ['crm-enterprise'],
            attribution: k % 4 === 0 ? 'influenced' : 'sourced',
          },
          actorOf(partnerId),
        );
        latencies[k] = performance.now() - t0;
        if (result.conflicts > 0) conflicted++;
        if (result.holdsProtection) holding++;
      },
      show,
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const perSecond = registrations / seconds;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    log(`deals: ${round(perSecond)} registrations/s, p50 ${round(p50, 2)} ms, p99 ${round(p99, 2)} ms`);
    return {
      benchmark: 'deal registration (DealsApplication on PostgreSQL)',
      registrations,
      customers,
      partners: partnerCount,
      clients,
      seconds: round(seconds, 2),
      registrationsPerSecond: round(perSecond),
      latencyMs: { p50: round(p50, 2), p99: round(p99, 2), max: round(latencies[latencies.length - 1]!, 2) },
      // The benchmark process's own CPU (the application runs in it): what one registration costs in Node.
      nodeCpuMsPerRegistration: round((cpu.user + cpu.system) / 1000 / registrations, 3),
      conflicts: { registrations: conflicted, percent: round((conflicted / registrations) * 100, 2) },
      holdingProtection: holding,
      goals: GOALS,
      met: { registrationsPerSecond: perSecond >= GOALS.registrationsPerSecond, p99Ms: p99 <= GOALS.p99Ms },
      peakRssMiB: round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await store.close();
    await db.close();
    await tdb.drop();
  }
}
