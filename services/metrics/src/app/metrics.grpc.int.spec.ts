import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { fieldViolationsOf, unaryClient, type RunningGrpcServer, type UnaryClient } from '@prm/grpc';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, skipUnlessPostgres, type TestDatabase } from '@prm/testing';
import { EventFactory, rub } from '../domain/testing/events';
import { P, story, TEST_SCORING } from '../domain/testing/fixtures';
import { MetricsApplication } from './metrics.application';
import { METRICS_PROTO, METRICS_SERVICE, PROTO_ROOT, startMetricsGrpc } from './metrics.grpc';

const admin = { id: 'user:admin', role: 'vendor_admin' };
const OTHER = '44444444-4444-4444-8444-444444444444';
const partnerUser = { id: 'partner-user:1', role: 'partner_user', partnerId: P };

describe('Metrics over gRPC (real client, real PostgreSQL)', { skip: skipUnlessPostgres() }, () => {
  let tdb: TestDatabase;
  let db: PostgresDatabase;
  let store: SqlEventStore;
  let runner: ProjectionRunner;
  let app: MetricsApplication;
  let server: RunningGrpcServer;
  let client: UnaryClient;
  const call = (method: string, request: object) => client.call(method, request);
  const metric = (card: Record<string, unknown>, name: string) =>
    (card.metrics as Array<Record<string, unknown>>).find((m) => m.name === name)!;

  before(async () => {
    tdb = await createTestDatabase('metrics_grpc');
    db = new PostgresDatabase(tdb.url);
    store = await SqlEventStore.create(db);
    app = await MetricsApplication.create(store, db, {
      scoring: [TEST_SCORING],
      now: () => new Date('2026-04-01T00:00:00.000Z'),
    });
    const f = new EventFactory();
    const events = [
      ...story(f),
      f.event(
        'PartnerRegistered',
        {
          partnerId: OTHER,
          legalName: 'Other',
          country: 'RU',
          websiteDomain: 'other.example',
          taxId: { scheme: 'OTHER', value: 'X1' },
          type: 'reseller',
          employeeCount: 10,
          salesReps: 1,
          specializations: [],
          clientSegments: ['smb'],
          industries: [],
        },
        '2026-01-05T00:00:00.000Z',
      ),
      f.event(
        'PamAssigned',
        { partnerId: OTHER, pamId: 'pam-2', previousPamId: null },
        '2026-01-06T00:00:00.000Z',
      ),
      // OTHER's open deal in EUR, and no EUR rate is ever recorded.
      f.event(
        'DealRegistered',
        {
          dealId: 'd9000000-0000-4000-8000-000000000002',
          partnerId: OTHER,
          channel: 'partner',
          customer: { name: 'Euro', country: 'DE', domain: 'euro.example' },
          customerKeys: { domain: 'euro.example', nameCountry: 'euro|DE' },
          estimatedValue: { amount: '5000', currency: 'EUR' },
          expectedCloseDate: '2026-06-30',
          products: ['crm'],
          attribution: 'sourced',
          registeredAt: '2026-03-15T00:00:00.000Z',
          pamId: 'pam-2',
        },
        '2026-03-15T00:00:00.000Z',
      ),
      f.event(
        'DealRegistered',
        {
          dealId: 'd9000000-0000-4000-8000-000000000001',
          partnerId: null,
          channel: 'direct',
          customer: { name: 'Z', country: 'RU' },
          estimatedValue: rub('10'),
          expectedCloseDate: '2026-05-01',
          products: ['crm'],
          attribution: null,
        },
        '2026-03-01T00:00:00.000Z',
      ),
      f.event(
        'DealWon',
        {
          dealId: 'd9000000-0000-4000-8000-000000000001',
          partnerId: null,
          wonValue: rub('700'),
          closedOn: '2026-03-11',
          attribution: null,
          cycleDays: 10,
        },
        '2026-03-11T00:00:00.000Z',
      ),
    ];
    events.sort((a, b) => a.metadata.occurredAt.localeCompare(b.metadata.occurredAt));
    for (const e of events)
      await store.append(
        e.streamId,
        [{ id: e.id, type: e.type, schemaVersion: 1, data: e.data, metadata: e.metadata }],
        'any',
      );
    runner = new ProjectionRunner(db, new InProcessEventBus(store, db), app.projection);
    await runner.start();
    await runner.caughtUp(30_000);
    server = await startMetricsGrpc(app, '127.0.0.1:0');
    client = unaryClient(`127.0.0.1:${server.port}`, METRICS_PROTO, [PROTO_ROOT], METRICS_SERVICE);
  });
  after(async () => {
    client.close();
    await server.stop();
    await runner.stop();
    await store.close();
    await db.close();
    await tdb.drop();
  });

  it('serves the current scorecard with scores and top contributors', async () => {
    const card = await call('getScorecard', { actor: admin, partnerId: P });
    assert.equal(card.asOf, '2026-04-01T00:00:00.000Z');
    assert.equal(metric(card, 'registrations').number, 5);
    assert.equal(metric(card, 'winRate').number, 0.5);
    assert.deepEqual(metric(card, 'wonRevenueSourced').money, [rub('1200000.00')]);
    assert.equal(metric(card, 'ippFit').present, false);
    const scores = (card.scores as Array<Record<string, unknown>>)[0]!;
    assert.equal(scores.potential, 50);
    assert.equal(scores.utilization, 46.3);
    assert.equal(scores.quadrant, 'grow');
    assert.equal((scores.utilizationContributions as Array<{ component: string }>)[0]!.component, 'revenue');
  });

  it('time-travels: the scorecard as of a past date re-folds the events up to it', async () => {
    const card = await call('getScorecard', { actor: admin, partnerId: P, asOf: '2026-02-15' });
    assert.equal(card.asOf, '2026-02-15T23:59:59.999Z');
    assert.equal(metric(card, 'registrations').number, 2); // d1, d2
    assert.equal(metric(card, 'dealsWon').number, 1);
    assert.equal(metric(card, 'openDeals').number, 0); // d1 won, d2 rejected
    assert.equal(metric(card, 'overlapTotal').present, false); // mapping came in March
    await assert.rejects(
      call('getScorecard', { actor: admin, partnerId: P, asOf: '2025-06-01' }),
      (e: ServiceError) => e.code === status.NOT_FOUND,
    );
  });

  it('given money in a currency without a rate, when the scorecard is read, then the metric is incomplete with the amount unconverted, and the missing rate is listed', async () => {
    const card = await call('getScorecard', { actor: admin, partnerId: OTHER });
    assert.equal(card.reportingCurrency, 'RUB');
    assert.deepEqual(card.missingRates, [{ from: 'EUR', to: 'RUB', on: '2026-04-01' }]);
    const pipeline = metric(card, 'openPipeline');
    assert.deepEqual(pipeline.money, [{ amount: '5000.00', currency: 'EUR' }]);
    assert.equal(pipeline.incomplete, true);
    assert.deepEqual(pipeline.unconverted, [{ amount: '5000.00', currency: 'EUR' }]);
    assert.equal(metric(card, 'registrations').incomplete, false);
    // the pipeline component is left out of utilization, not counted as 0
    const scores = (card.scores as Array<{ utilizationContributions: Array<{ component: string }> }>)[0]!;
    assert.ok(!scores.utilizationContributions.some((c) => c.component === 'pipeline'));
    // ranking leaves it out too
    const top = await call('topPartners', { actor: admin, metric: 'openPipeline', limit: 10 });
    assert.ok(!(top.partners as Array<{ partnerId: string }>).some((p) => p.partnerId === OTHER));
    const mine = await call('getScorecard', { actor: admin, partnerId: P });
    assert.deepEqual(mine.missingRates, []);
  });

  it('given a past moment, when the quadrant is listed as of it, then each point has the potential and utilization of that moment', async () => {
    const asOf = '2026-02-15';
    const past = await call('listQuadrant', { actor: admin, asOf });
    const points = past.points as Array<Record<string, unknown>>;
    assert.deepEqual(points.map((p) => p.partnerId).sort(), [P, OTHER].sort());
    let movedSinceLastRow = false;
    for (const point of points) {
      const card = await call('getScorecard', { actor: admin, partnerId: point.partnerId as string, asOf });
      const scores = (card.scores as Array<Record<string, unknown>>)[0]!;
      assert.equal(point.potential, scores.potential);
      assert.equal(point.utilization, scores.utilization);
      assert.equal(point.quadrant, scores.quadrant);
      assert.equal(point.asOf, '2026-02-15T23:59:59.999Z');
      const row = (card.quadrantHistory as Array<Record<string, unknown>>).at(-1)!;
      if (row.potential !== scores.potential || row.utilization !== scores.utilization)
        movedSinceLastRow = true;
    }
    // the history rows (written at each partner's last move) are not that moment's numbers
    assert.ok(movedSinceLastRow);
  });

  it('lists the quadrant as a scatter (filters by PAM), movements in a period, top-N, channel metrics, the catalog', async () => {
    const q = await call('listQuadrant', { actor: admin });
    const points = q.points as Array<Record<string, unknown>>;
    assert.deepEqual(points.map((p) => p.partnerId).sort(), [P, OTHER].sort());
    assert.deepEqual(q.thresholds, { potential: 50, utilization: 50 });
    const mine = await call('listQuadrant', { actor: admin, pamId: 'pam-1' });
    assert.deepEqual(
      (mine.points as Array<{ partnerId: string }>).map((p) => p.partnerId),
      [P],
    );
    const past = await call('listQuadrant', { actor: admin, asOf: '2026-01-03' });
    assert.deepEqual(
      (past.points as Array<{ partnerId: string }>).map((p) => p.partnerId),
      [P],
    ); // OTHER registered on Jan 5
    const moves = await call('listQuadrantMovements', { actor: admin, from: '2026-01-01', to: '2026-05-01' });
    assert.ok((moves.movements as Array<{ partnerId: string }>).some((m) => m.partnerId === OTHER));
    const top = await call('topPartners', { actor: admin, metric: 'employeeCount', limit: 1 });
    assert.deepEqual(top.partners, [{ partnerId: P, legalName: 'Alpha', value: 250 }]);
    const channel = await call('getChannelMetrics', {
      actor: admin,
      fromMonth: '2026-02',
      toMonth: '2026-03',
    });
    const [feb, mar] = channel.months as Array<Record<string, unknown>>;
    assert.deepEqual(feb!.revenuePartner, [rub('1200000.00')]);
    assert.deepEqual(mar!.revenueDirect, [rub('700.00')]);
    assert.deepEqual(mar!.revenuePartner, [rub('800000.00')]); // Q's d5
    assert.equal(mar!.partnerWinRate, 0.5); // d5 won, d4 lost
    const catalog = await call('getMetricCatalog', { actor: admin });
    assert.ok((catalog.metrics as unknown[]).length >= 40);
  });

  it('a partner user reads only its own scorecard and the catalog: every other call is PERMISSION_DENIED', async () => {
    await call('getScorecard', { actor: partnerUser, partnerId: P });
    await call('getMetricCatalog', { actor: partnerUser });
    const denied = (e: ServiceError) => e.code === status.PERMISSION_DENIED;
    await assert.rejects(call('getScorecard', { actor: partnerUser, partnerId: OTHER }), denied);
    await assert.rejects(
      call('getScorecard', { actor: partnerUser, partnerId: OTHER, asOf: '2026-02-01' }),
      denied,
    );
    await assert.rejects(call('listQuadrant', { actor: partnerUser }), denied);
    await assert.rejects(
      call('listQuadrantMovements', { actor: partnerUser, from: '2026-01-01', to: '2026-02-01' }),
      denied,
    );
    await assert.rejects(call('topPartners', { actor: partnerUser, metric: 'dealsWon' }), denied);
    await assert.rejects(
      call('getChannelMetrics', { actor: partnerUser, fromMonth: '2026-01', toMonth: '2026-02' }),
      denied,
    );
    assert.deepEqual(client.methods.sort(), [
      'getChannelMetrics',
      'getMetricCatalog',
      'getScorecard',
      'listQuadrant',
      'listQuadrantMovements',
      'topPartners',
    ]);
  });

  it('a PAM sees only its own partners in lists', async () => {
    const pam = { id: 'pam-2', role: 'pam' };
    const q = await call('listQuadrant', { actor: pam });
    assert.deepEqual(
      (q.points as Array<{ partnerId: string }>).map((p) => p.partnerId),
      [OTHER],
    );
    const top = await call('topPartners', { actor: pam, metric: 'employeeCount' });
    assert.deepEqual(
      (top.partners as Array<{ partnerId: string }>).map((p) => p.partnerId),
      [OTHER],
    );
    await assert.rejects(
      call('listQuadrant', { actor: pam, pamId: 'pam-1' }),
      (e: ServiceError) => e.code === status.PERMISSION_DENIED,
    );
  });

  it('refuses bad input with INVALID_ARGUMENT naming the field, never INTERNAL', async () => {
    const invalid = (fields: string[]) => (e: ServiceError) => {
      assert.equal(e.code, status.INVALID_ARGUMENT, e.details);
      assert.deepEqual(
        fieldViolationsOf(e).map((v) => v.field),
        fields,
      );
      return true;
    };
    await assert.rejects(call('getScorecard', { partnerId: P }), invalid(['actor.id', 'actor.role']));
    await assert.rejects(
      call('getScorecard', { actor: { id: 'x', role: 'partner_user' }, partnerId: P }),
      invalid(['actor.partnerId']),
    );
    await assert.rejects(
      call('getScorecard', { actor: admin, partnerId: 'nope', asOf: 'yesterday' }),
      invalid(['partnerId', 'asOf']),
    );
    // Impossible dates are refused, not rolled over (2026-02-30 was read as 2026-03-02), and
    // dates stay within a sane range (issue 22).
    for (const asOf of ['2026-02-30', '2026-13-45', '9999-12-31', '2026-02-30T10:00:00Z'])
      await assert.rejects(call('getScorecard', { actor: admin, partnerId: P, asOf }), invalid(['asOf']));
    await assert.rejects(
      call('listQuadrant', { actor: admin, scoringVersion: 99 }),
      invalid(['scoringVersion']),
    );
    await assert.rejects(
      call('listQuadrantMovements', { actor: admin, from: '2026-02-01', to: '2026-01-01' }),
      invalid(['to']),
    );
    await assert.rejects(
      call('topPartners', { actor: admin, metric: 'partnerType', limit: 5000 }),
      invalid(['limit']),
    );
    await assert.rejects(call('topPartners', { actor: admin, metric: 'partnerType' }), invalid(['metric']));
    await assert.rejects(
      call('getChannelMetrics', { actor: admin, fromMonth: '2026-13', toMonth: '2026' }),
      invalid(['fromMonth', 'toMonth']),
    );
    await assert.rejects(
      call('getScorecard', { actor: admin, partnerId: '55555555-5555-4555-8555-555555555555' }),
      (e: ServiceError) => e.code === status.NOT_FOUND,
    );
  });
});
