import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { topicOf, type RecordedEvent } from '@prm/contracts';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { InProcessEventBus, type BusMessage, type ConsumeOptions, type EventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, skipUnlessPostgres, type TestDatabase } from '@prm/testing';
import { DEFAULT_SCORING } from '../domain';
import { generateEvents } from '../domain/testing/generator';
import { TEST_SCORING } from '../domain/testing/fixtures';
import { PARTNER_HEALTH_TABLES } from './metrics.migrations';
import { MetricsApplication, metricsStream, SCORING_CLOCK_STREAM } from './metrics.application';
import { PartnerHealthProjection } from './partner-health.projection';
import { bulkRebuildPartnerHealth } from './rebuild';

const CONFIGS = [DEFAULT_SCORING, TEST_SCORING];
const ORDER: Record<string, string> = {
  metrics_partner_health: 'partner_id',
  metrics_partner_deals: 'partner_id, deal_id',
  metrics_partner_scores: 'partner_id, scoring_version',
  metrics_quadrant_history: 'partner_id, scoring_version, global_position',
  metrics_partner_streams: 'partner_id, stream_id',
  metrics_global: 'id',
  metrics_channel_deals: 'deal_id',
  metrics_channel_months: 'month, channel',
  metrics_channel_revenue: 'month, channel, attribution, currency',
  metrics_channel_customers: 'customer_key, channel, month, currency',
  metrics_channel_pams: 'month, pam_id, currency',
};

async function snapshot(db: Database, tables = PARTNER_HEALTH_TABLES): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = await db.query(`SELECT * FROM ${t} ORDER BY ${ORDER[t]}`);
  return out;
}

function assertSameRows(actual: Record<string, unknown[]>, expected: Record<string, unknown[]>) {
  for (const table of Object.keys(expected)) {
    assert.equal(actual[table]!.length, expected[table]!.length, `${table}: row count`);
    actual[table]!.forEach((row, i) => assert.deepEqual(row, expected[table]![i], `${table}: row ${i}`));
  }
}

const toAppend = (e: RecordedEvent) => ({
  id: e.id,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  metadata: e.metadata,
});

/** Inserts a ScoringClockTicked at the start of every month the events reach, renumbering positions. */
function withMonthlyTicks(events: readonly RecordedEvent[]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let month = '';
  let ticks = 0;
  for (const e of events) {
    const m = e.metadata.occurredAt.slice(0, 7);
    if (month !== '' && m !== month) {
      const asOf = `${m}-01T00:00:00.000Z`;
      out.push({
        id: randomUUID(),
        type: 'ScoringClockTicked',
        schemaVersion: 1,
        data: { asOf },
        metadata: { correlationId: randomUUID(), causationId: null, actor: 'test', occurredAt: asOf },
        streamId: SCORING_CLOCK_STREAM,
        streamVersion: ticks++,
        globalPosition: 0n,
        recordedAt: new Date(asOf),
      });
    }
    month = m;
    out.push({ ...e });
  }
  out.forEach((e, i) => (e.globalPosition = BigInt(i + 1)));
  return out;
}

/** Delivers a fixed list of messages in the order given, in batches: for out-of-order tests. */
class ScriptedBus implements EventBus {
  readonly kind = 'in-process' as const;
  constructor(
    private readonly script: readonly RecordedEvent[],
    private readonly batch = 50,
  ) {}
  async consume(options: ConsumeOptions) {
    let delivered = 0;
    const done = (async () => {
      for (let i = 0; i < this.script.length; i += this.batch) {
        const messages: BusMessage[] = this.script.slice(i, i + this.batch).map((event) => ({
          event,
          topic: topicOf(event.streamId.slice(0, event.streamId.indexOf('.'))),
          partition: 0,
          offset: String(i),
        }));
        await options.handleBatch(messages);
        delivered = i + messages.length;
      }
    })();
    return {
      stop: async () => undefined,
      done,
      lag: async () => ({
        behind: BigInt(this.script.length - delivered),
        total: BigInt(this.script.length),
      }),
    };
  }
  async close() {}
}

describe('partner-health projection on real PostgreSQL', { skip: skipUnlessPostgres() }, () => {
  let tdb: TestDatabase;
  let db: PostgresDatabase;
  let store: SqlEventStore;
  // The generated history with the scoring clock ticking at every month's start, as the
  // service's clock appends it: rebuilds must score at the same moments.
  const events = withMonthlyTicks(generateEvents({ partners: 30, events: 1200, seed: 7, validate: true }));
  let incremental: Record<string, unknown[]>;

  before(async () => {
    tdb = await createTestDatabase('metrics_projection');
    db = new PostgresDatabase(tdb.url);
    store = await SqlEventStore.create(db);
  });
  after(async () => {
    await store.close();
    await db.close();
    await tdb.drop();
  });

  it('incremental processing in many small batches equals a rebuild from zero, row by row', async () => {
    const bus = new InProcessEventBus(store, db);
    const runner = new ProjectionRunner(db, bus, new PartnerHealthProjection({ configs: CONFIGS }));
    await runner.start();
    // Append in chunks while the projection runs, so it sees many small batches.
    for (let i = 0; i < events.length; i += 97) {
      for (const e of events.slice(i, i + 97)) await store.append(e.streamId, [toAppend(e)], 'any');
      await runner.caughtUp(30_000);
    }
    incremental = await snapshot(db);
    assert.equal((incremental.metrics_partner_health as unknown[]).length, 30);
    assert.ok(
      (incremental.metrics_quadrant_history as unknown[]).length >= 60,
      'every partner placed under both versions',
    );
    assert.ok((incremental.metrics_channel_revenue as unknown[]).length > 0);
    const tickTimes = new Set(
      events.filter((e) => e.type === 'ScoringClockTicked').map((e) => (e.data as { asOf: string }).asOf),
    );
    assert.ok(
      (incremental.metrics_quadrant_history as Array<{ as_of: Date }>).some((r) =>
        tickTimes.has(new Date(r.as_of).toISOString()),
      ),
      'some partners moved at a clock tick (windows passing without events of their own)',
    );
    const outboxBefore = await db.query<{ n: string }>('SELECT count(*) AS n FROM metrics_outbox');
    assert.ok(Number(outboxBefore[0]!.n) > 0, 'scorecard and quadrant events were queued');

    const progress: bigint[] = [];
    await runner.rebuild((p) => progress.push(p.done));
    assert.ok(progress.length > 0, 'rebuild reports progress');
    assertSameRows(await snapshot(db), incremental);
    const outboxAfter = await db.query<{ n: string }>('SELECT count(*) AS n FROM metrics_outbox');
    assert.equal(outboxAfter[0]!.n, outboxBefore[0]!.n, 'a rebuild publishes nothing again');
    await runner.stop();
    await bus.close();
  });

  it('every event delivered twice gives the same read models and no second outbox row', async () => {
    const outboxBefore = await db.query('SELECT id FROM metrics_outbox ORDER BY id');
    const bus = new InProcessEventBus(store, db);
    await db.query("DELETE FROM bus_offsets WHERE group_id LIKE 'prm.projection.metrics-partner-health.%'");
    const runner = new ProjectionRunner(db, bus, new PartnerHealthProjection({ configs: CONFIGS }));
    await runner.start();
    await runner.caughtUp(30_000);
    assert.equal((await runner.status()).skippedDuplicates, events.length);
    assertSameRows(await snapshot(db), incremental);
    assert.deepEqual(await db.query('SELECT id FROM metrics_outbox ORDER BY id'), outboxBefore);
    await runner.stop();
    await bus.close();
  });

  it('a bulk rebuild (in-memory fold, one write with the marks) gives the same rows; a runner continues after it', async () => {
    const progress: bigint[] = [];
    const result = await bulkRebuildPartnerHealth(db, store, {
      configs: CONFIGS,
      onProgress: (p) => progress.push(p.done),
      pageSize: 400,
    });
    assert.equal(result.processed, events.length);
    assert.ok(progress.length >= 3, 'progress per page');
    assertSameRows(await snapshot(db), incremental);
    // The primary keys it dropped for the load are back (the runner's upserts need them).
    const keys = await db.query<{ table: string }>(
      `SELECT conrelid::regclass::text AS table FROM pg_constraint
       WHERE contype = 'p' AND conrelid IN ('metrics_partner_deals'::regclass, 'metrics_partner_streams'::regclass)
       ORDER BY 1`,
    );
    assert.deepEqual(
      keys.map((k) => k.table),
      ['metrics_partner_deals', 'metrics_partner_streams'],
    );
    const bus = new InProcessEventBus(store, db);
    const runner = new ProjectionRunner(db, bus, new PartnerHealthProjection({ configs: CONFIGS }));
    await runner.start();
    await runner.caughtUp(30_000);
    const status = await runner.status();
    assert.equal(status.generation, Number(result.generation));
    assert.equal(status.processed, events.length, 'nothing replayed');
    assertSameRows(await snapshot(db), incremental);
    await runner.stop();
    await bus.close();
  });

  it('handles deal events delivered before their partner’s registration (cross-topic reordering): same final read models', async () => {
    const odb = await createTestDatabase('metrics_ooo');
    const other = new PostgresDatabase(odb.url);
    try {
      // Every deals-topic event first, then partners and mapping (each stream keeps its own order).
      const isDeal = (e: RecordedEvent) => e.streamId.startsWith('deals.');
      const reordered = [...events.filter(isDeal), ...events.filter((e) => !isDeal(e))];
      const runner = new ProjectionRunner(
        other,
        new ScriptedBus(reordered),
        new PartnerHealthProjection({ configs: CONFIGS }),
      );
      await runner.start();
      await runner.caughtUp(60_000);
      const finalTables = PARTNER_HEALTH_TABLES.filter((t) => t !== 'metrics_quadrant_history');
      const got = await snapshot(other, finalTables);
      const want = Object.fromEntries(finalTables.map((t) => [t, incremental[t]!]));
      // last_position is where the partner was last touched: it differs with the order by design.
      const strip = (s: Record<string, unknown[]>) => {
        for (const r of s.metrics_partner_health as Array<Record<string, unknown>>) delete r.last_position;
        return s;
      };
      assertSameRows(strip(got), strip(want));
      await runner.stop();
    } finally {
      await other.close();
      await odb.drop();
    }
  });

  it('recomputes a scoring version from the event store side by side, giving the projection’s own rows', async () => {
    const q = (t: string) => db.query(`SELECT * FROM ${t} WHERE scoring_version = 7 ORDER BY ${ORDER[t]}`);
    const history = await q('metrics_quadrant_history');
    const scores = await q('metrics_partner_scores');
    const v1 = await db.query(
      'SELECT * FROM metrics_quadrant_history WHERE scoring_version = 1 ORDER BY partner_id, global_position',
    );
    await db.query('DELETE FROM metrics_quadrant_history WHERE scoring_version = 7');
    const app = await MetricsApplication.create(store, db, { scoring: CONFIGS });
    const result = await app.recompute(7);
    assert.equal(result.events, events.length);
    assert.deepEqual(await q('metrics_quadrant_history'), history);
    assert.deepEqual(await q('metrics_partner_scores'), scores);
    assert.deepEqual(
      await db.query(
        'SELECT * FROM metrics_quadrant_history WHERE scoring_version = 1 ORDER BY partner_id, global_position',
      ),
      v1,
    );
    await assert.rejects(
      MetricsApplication.create(store, db, {
        scoring: [{ ...TEST_SCORING, thresholds: { potential: 10, utilization: 10 } }],
      }),
      /scoring version 7 is already registered/,
    );
  });

  it('publishes the outbox to metrics.partner-health-<partnerId> once, valid against the catalog', async () => {
    const app = await MetricsApplication.create(store, db, {
      scoring: CONFIGS,
      activeVersion: DEFAULT_SCORING.version,
    });
    const pending = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM metrics_outbox WHERE published_at IS NULL',
    );
    let published = 0;
    for (let n = await app.publishPending(); n > 0; n = await app.publishPending()) published += n;
    assert.equal(published, Number(pending[0]!.n));
    assert.equal(await app.publishPending(), 0);
    const partnerId = '00000001-0000-4000-8000-000000000000';
    const stream = await store.readStream(metricsStream(partnerId));
    assert.ok(stream.some((e) => e.type === 'PartnerQuadrantChanged'));
    // Coalesced: fewer scorecard events than scorecard rows queued for the partner (one per batch that changed it).
    const queued = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM metrics_outbox WHERE partner_id = $1 AND type = 'PartnerScorecardUpdated'",
      [partnerId],
    );
    const appended = stream.filter((e) => e.type === 'PartnerScorecardUpdated').length;
    assert.ok(
      appended >= 1 && appended < Number(queued[0]!.n),
      `${appended} events for ${queued[0]!.n} rows`,
    );
    assert.ok(stream.some((e) => e.type === 'PartnerScorecardUpdated'));
    const { parseEventData } = await import('@prm/contracts');
    for (const e of stream) parseEventData(e.type as 'PartnerScorecardUpdated', 1, e.data);
    // Re-appending a published row (a crash before it was marked) is refused by id, not duplicated.
    await db.query('UPDATE metrics_outbox SET published_at = NULL WHERE partner_id = $1', [partnerId]);
    await app.publishPending();
    assert.equal((await store.readStream(metricsStream(partnerId))).length, stream.length);
  });
});

describe('the scoring clock on real PostgreSQL', { skip: skipUnlessPostgres() }, () => {
  it('ticks once per day (also with two instances), and the projection moves a quiet partner as its windows pass', async () => {
    const tdb = await createTestDatabase('metrics_clock');
    const db = new PostgresDatabase(tdb.url);
    const store = await SqlEventStore.create(db);
    try {
      // One partner whose last event is its first win; nothing happens for a year after.
      const generated = generateEvents({ partners: 1, events: 60, seed: 11 });
      for (const e of generated) await store.append(e.streamId, [toAppend(e)], 'any');
      const lastEvent = generated.at(-1)!.metadata.occurredAt;
      let now = new Date(lastEvent);
      const options = { scoring: [DEFAULT_SCORING], now: () => now, scorecardCoalesceMs: 0 };
      const app = await MetricsApplication.create(store, db, options);
      const other = await MetricsApplication.create(store, db, options);
      const bus = new InProcessEventBus(store, db);
      const runner = new ProjectionRunner(db, bus, app.projection);
      await runner.start();
      await runner.caughtUp(30_000);
      const [before] = (await app.quadrant({})).points;
      assert.ok(before, 'the partner is placed');

      // Days pass without events: one tick per day, whichever instance asks first.
      const day = (offset: number) => new Date(Date.parse(lastEvent.slice(0, 10)) + offset * 86_400_000);
      now = day(400);
      const ticked = await Promise.all([app.tickScoringClock(), other.tickScoringClock()]);
      assert.deepEqual(ticked.sort(), [false, true], 'exactly one instance ticks');
      assert.equal(await app.tickScoringClock(), false, 'the same day is not ticked twice');
      assert.equal(await other.tickScoringClock(), false);
      const clock = (await store.readStream(SCORING_CLOCK_STREAM)).map(
        (e) => e as typeof e & { data: { asOf: string } },
      );
      assert.deepEqual(
        clock.map((e) => e.data),
        [{ asOf: `${day(400).toISOString().slice(0, 10)}T00:00:00.000Z` }],
      );
      await assert.rejects(app.tickScoringClock('2026-13-01'), /day: "2026-13-01" is not a YYYY-MM-DD date/);

      await runner.caughtUp(30_000);
      const [after] = (await app.quadrant({})).points;
      // 400 days later nothing is within 90 days or 12 months: registrations, trainings and
      // revenue of the windows are 0, so utilization can only have dropped, and the scores
      // are as of the tick's midnight.
      assert.equal(after!.asOf, clock[0]!.data.asOf);
      assert.ok(after!.utilization < before!.utilization, `${after!.utilization} < ${before!.utilization}`);
      const card = await app.scorecard(after!.partnerId);
      assert.equal(card.scorecard.metrics.registrations90d, 0);
      assert.equal(card.scorecard.metrics.trainingsCompleted90d, 0);
      if (after!.quadrant !== before!.quadrant) {
        const history = card.quadrantHistory.at(-1)!;
        assert.equal(history.asOf, clock[0]!.data.asOf);
        assert.equal(history.quadrant, after!.quadrant);
      }
      await runner.stop();
      await bus.close();
    } finally {
      await store.close();
      await db.close();
      await tdb.drop();
    }
  });
});

describe('partner-health projection on PGlite (embedded mode)', () => {
  it('projects, rebuilds to the same rows and serves a time-travel scorecard', async () => {
    const db = await PgliteDatabase.open();
    const store = await SqlEventStore.create(db);
    try {
      const events = generateEvents({ partners: 8, events: 300, seed: 3 });
      for (const e of events) await store.append(e.streamId, [toAppend(e)], 'any');
      const app = await MetricsApplication.create(store, db, {
        scoring: CONFIGS,
        activeVersion: 1,
        scorecardCoalesceMs: 0,
      });
      const bus = new InProcessEventBus(store, db);
      const runner = new ProjectionRunner(db, bus, app.projection);
      await runner.start();
      await runner.caughtUp(30_000);
      const first = await snapshot(db);
      assert.equal(first.metrics_partner_health!.length, 8);
      await runner.rebuild();
      assertSameRows(await snapshot(db), first);
      const partnerId = '00000001-0000-4000-8000-000000000003';
      const view = await app.scorecard(partnerId, new Date('2025-06-01T00:00:00.000Z'));
      assert.equal(view.scores.length, 2);
      assert.ok((view.scorecard.metrics.employeeCount! as number) > 0);
      assert.ok((await app.publishPending()) > 0);
      await runner.stop();
      await bus.close();
      // The bulk rebuild's PGlite path (fold first, then one transaction) gives the same rows.
      await bulkRebuildPartnerHealth(db, store, { configs: CONFIGS, pageSize: 100 });
      assertSameRows(await snapshot(db), first);
    } finally {
      await store.close();
      await db.close();
    }
  });
});
