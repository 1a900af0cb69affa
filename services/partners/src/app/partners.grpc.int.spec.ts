import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { status, type ServiceError } from '@grpc/grpc-js';
import { PgliteDatabase, PostgresDatabase, type Database } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import {
  ERROR_DETAILS_TRAILER,
  fieldViolationsOf,
  unaryClient,
  type RunningGrpcServer,
  type UnaryClient,
} from '@prm/grpc';
import { InProcessEventBus } from '@prm/messaging';
import { ProjectionRunner } from '@prm/projections';
import { createTestDatabase, eventually, skipUnlessPostgres } from '@prm/testing';
import { partnerSummaryProjection } from './partner-summary.projection';
import { CertificationExpiryScheduler } from './certification-expiry.scheduler';
import { PartnersApplication } from './partners.application';
import { PARTNERS_SERVICE, PROTO_ROOT, startPartnersGrpc } from './partners.grpc';
import { partnerStream } from './streams';

const admin = { id: 'user:admin-1', role: 'vendor_admin' };

function registration(overrides: Record<string, unknown> = {}) {
  return {
    actor: admin,
    legalName: 'ООО «Ромашка»',
    country: 'RU',
    region: 'Siberia',
    website: 'https://www.Romashka.ru/about',
    taxId: '7707083893',
    type: 'integrator',
    employeeCount: 120,
    salesReps: 8,
    specializations: ['erp-implementation'],
    clientSegments: ['enterprise'],
    industries: ['retail'],
    ...overrides,
  };
}

function partnersGrpcSuite(
  name: string,
  open: () => Promise<{ db: Database; cleanup: () => Promise<void> }>,
  skip: string | false,
) {
  describe(`Partners over gRPC (real client) on ${name}`, { skip }, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let store: SqlEventStore;
    let runner: ProjectionRunner;
    let app: PartnersApplication;
    let server: RunningGrpcServer;
    let client: UnaryClient;
    const call = (method: string, request: object) => client.call(method, request);

    before(async () => {
      ({ db, cleanup } = await open());
      store = await SqlEventStore.create(db);
      app = await PartnersApplication.create(store, db, { pamCapacity: 1, now: () => clock });
      runner = new ProjectionRunner(db, new InProcessEventBus(store, db), partnerSummaryProjection);
      await runner.start();
      server = await startPartnersGrpc(app, '127.0.0.1:0');
      client = unaryClient(
        `127.0.0.1:${server.port}`,
        'prm/partners/v1/partners.proto',
        [PROTO_ROOT],
        PARTNERS_SERVICE,
      );
    });
    after(async () => {
      client.close();
      await server.stop();
      await runner.stop();
      await store.close();
      await cleanup();
    });

    const T0 = new Date('2026-01-01T09:00:00.000Z');
    let clock = T0;
    const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);
    let first: string;
    it('registers a partner with a normalized domain and a checked INN, served by GetPartner from the read model', async () => {
      const ref = await call('registerPartner', registration());
      first = ref.partnerId as string;
      assert.equal(ref.version, '2'); // PartnerRegistered, OnboardingChecklistAssigned, stage prospect
      const partner = (await eventually('the summary to be projected', async () =>
        call('getPartner', { actor: admin, partnerId: first }).catch(() => null),
      ))!;
      assert.equal(partner.websiteDomain, 'romashka.ru');
      assert.equal(partner.taxId, '7707083893');
      assert.equal(partner.stage, 'prospect');
      assert.equal(partner.legalName, 'ООО «Ромашка»');
    });

    it('refuses a second partner with the same INN or the same domain with ALREADY_EXISTS naming the first', async () => {
      await assert.rejects(
        call('registerPartner', registration({ website: 'other.example' })),
        (e: ServiceError) => {
          assert.equal(e.code, status.ALREADY_EXISTS);
          assert.match(e.details, new RegExp(`tax id RU_INN:7707083893 already exists: ${first}`));
          return true;
        },
      );
      await assert.rejects(
        call('registerPartner', registration({ taxId: '500100732259', website: 'ROMASHKA.ru' })),
        (e: ServiceError) => {
          assert.equal(e.code, status.ALREADY_EXISTS);
          assert.match(e.details, new RegExp(`website domain romashka.ru already exists: ${first}`));
          return true;
        },
      );
    });

    it('refuses bad input with INVALID_ARGUMENT naming every field, and writes nothing', async () => {
      const partnerId = randomUUID();
      await assert.rejects(
        call(
          'registerPartner',
          registration({
            partnerId,
            legalName: '',
            taxId: '7707083894',
            employeeCount: -1,
            type: 'wizard',
            website: 'x',
          }),
        ),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          const fields = fieldViolationsOf(e).map((v) => v.field);
          for (const f of ['legalName', 'taxId', 'employeeCount', 'type', 'website'])
            assert.ok(fields.includes(f), `${f} in ${fields.join(',')}`);
          return true;
        },
      );
      assert.equal(await store.streamVersion(partnerStream(partnerId)), null);
      assert.deepEqual(
        await db.query('SELECT * FROM partners_identity_claims WHERE partner_id = $1', [partnerId]),
        [],
      );
    });

    it('refuses a forbidden journey jump with FAILED_PRECONDITION listing the allowed next stages', async () => {
      await assert.rejects(
        call('advanceJourney', { actor: admin, partnerId: first, stage: 'enabled' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /contacted/);
          return true;
        },
      );
      const moved = await call('advanceJourney', { actor: admin, partnerId: first, stage: 'contacted' });
      assert.equal(moved.partnerId, first);
    });

    it('assigns a PAM above capacity with an over-capacity warning, still assigning', async () => {
      const second = (
        await call(
          'registerPartner',
          registration({ taxId: '500100732259', website: 'vector.example', legalName: 'Вектор' }),
        )
      ).partnerId as string;
      const a = await call('assignPam', { actor: admin, partnerId: first, pamId: 'user:pam-7' });
      assert.equal(a.overCapacity, false);
      await eventually(
        'the PAM to be projected',
        async () => (await call('getPartner', { actor: admin, partnerId: first })).pamId === 'user:pam-7',
      );
      const b = await call('assignPam', { actor: admin, partnerId: second, pamId: 'user:pam-7' });
      assert.equal(b.overCapacity, true);
      assert.equal(b.pamPartnerCount, 2);
      assert.equal(b.capacity, 1);
      const events = await store.readStream(partnerStream(second));
      assert.deepEqual(
        events.slice(-2).map((e) => e.type),
        ['PamAssigned', 'PamOverCapacity'],
      );
    });

    it('answers NOT_FOUND for an unknown partner and INVALID_ARGUMENT without an actor', async () => {
      await assert.rejects(
        call('advanceJourney', { actor: admin, partnerId: randomUUID(), stage: 'contacted' }),
        (e: ServiceError) => e.code === status.NOT_FOUND,
      );
      await assert.rejects(call('getPartner', { partnerId: first }), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          ['actor.id', 'actor.role'],
        );
        return true;
      });
    });

    it('lists partners with filters and cursor pagination, and refuses a forged cursor', async () => {
      for (const [i, type] of (['reseller', 'msp', 'reseller'] as const).entries()) {
        await call(
          'registerPartner',
          registration({
            legalName: `Partner ${i}`,
            type,
            taxId: `DE10000000${i}`,
            country: 'DE',
            website: `p${i}.example`,
          }),
        );
      }
      await eventually(
        'all partners projected',
        async () =>
          ((await call('listPartners', { actor: admin, limit: 200 })).partners as unknown[]).length === 5,
      );
      const seen: string[] = [];
      let cursor = '';
      do {
        const page = await call('listPartners', { actor: admin, limit: 2, cursor });
        seen.push(...(page.partners as Array<{ legalName: string }>).map((p) => p.legalName));
        cursor = page.nextCursor as string;
      } while (cursor);
      assert.deepEqual(seen, ['Partner 0', 'Partner 1', 'Partner 2', 'Вектор', 'ООО «Ромашка»']);
      const resellers = await call('listPartners', { actor: admin, type: 'reseller' });
      assert.deepEqual(
        (resellers.partners as Array<{ legalName: string }>).map((p) => p.legalName),
        ['Partner 0', 'Partner 2'],
      );
      const byPam = await call('listPartners', { actor: admin, pamId: 'user:pam-7', stage: 'prospect' });
      assert.equal((byPam.partners as unknown[]).length, 1);
      await assert.rejects(call('listPartners', { actor: admin, cursor: 'forged' }), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT);
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          ['cursor'],
        );
        return true;
      });
    });

    it('keeps a journey timeline with days per stage, and a funnel with median days and the slowest onboarding steps', async () => {
      clock = at(0);
      const id = (
        await call(
          'registerPartner',
          registration({
            legalName: 'Timeline',
            taxId: 'DE200000001',
            country: 'DE',
            website: 'timeline.example',
          }),
        )
      ).partnerId as string;
      clock = at(2);
      await call('advanceJourney', { actor: admin, partnerId: id, stage: 'contacted' });
      clock = at(5);
      await call('advanceJourney', { actor: admin, partnerId: id, stage: 'agreement_signed' });
      clock = at(6);
      await call('completeOnboardingStep', { actor: admin, partnerId: id, step: 'contract' });
      clock = at(7);
      await call('advanceJourney', { actor: admin, partnerId: id, stage: 'onboarding' });
      clock = at(10);
      await call('completeOnboardingStep', { actor: admin, partnerId: id, step: 'questionnaire' });
      clock = at(11);
      const timeline = (await eventually(
        'the timeline',
        async () => {
          const t = await call('getJourneyTimeline', { actor: admin, partnerId: id }).catch(() => null);
          return t && (t.stages as unknown[]).length === 4 ? t : null;
        },
        10_000,
      ))!;
      assert.deepEqual(
        (timeline.stages as Array<{ stage: string; daysSpent: number; leftAt: string }>).map((s) => [
          s.stage,
          s.daysSpent,
          s.leftAt === '',
        ]),
        [
          ['prospect', 2, false],
          ['contacted', 3, false],
          ['agreement_signed', 2, false],
          ['onboarding', 4, true],
        ],
      );
      await eventually('the questionnaire step projected', async () => {
        const f = await call('getJourneyFunnel', { actor: admin });
        return (f.onboardingSteps as unknown[]).length === 2;
      });
      const funnel = await call('getJourneyFunnel', { actor: admin });
      const stage = (name: string) =>
        (
          funnel.stages as Array<{ stage: string; reached: number; current: number; medianDays: number }>
        ).find((s) => s.stage === name)!;
      assert.deepEqual(stage('agreement_signed'), {
        stage: 'agreement_signed',
        reached: 1,
        current: 0,
        medianDays: 2,
      });
      assert.deepEqual(stage('onboarding'), { stage: 'onboarding', reached: 1, current: 1, medianDays: -1 });
      // From entering agreement_signed (day 5): questionnaire at day 10 (5 days), contract at day 6 (1 day); slowest first.
      assert.deepEqual(funnel.onboardingSteps, [
        { step: 'questionnaire', completed: 1, medianDaysFromOnboardingStart: 5 },
        { step: 'contract', completed: 1, medianDaysFromOnboardingStart: 1 },
      ]);

      clock = at(40);
      const stalled29 = await call('listStalledPartners', { actor: admin, days: 29 });
      const timelineStalled = (
        stalled29.partners as Array<{ partner: { partnerId: string }; daysWithoutProgress: number }>
      ).find((p) => p.partner.partnerId === id);
      assert.equal(timelineStalled?.daysWithoutProgress, 30);
      const stalled31 = await call('listStalledPartners', { actor: admin, days: 31 });
      assert.ok(
        !(stalled31.partners as Array<{ partner: { partnerId: string } }>).some(
          (p) => p.partner.partnerId === id,
        ),
      );
      await assert.rejects(
        call('listStalledPartners', { actor: admin, days: -3 }),
        (e: ServiceError) => e.code === status.INVALID_ARGUMENT,
      );
    });

    it('reports PAM workload against capacity', async () => {
      const workload = await call('getPamWorkload', { actor: admin });
      const pam = (
        workload.pams as Array<{
          pamId: string;
          partners: number;
          capacity: number;
          overCapacity: boolean;
          byStage: Record<string, number>;
        }>
      ).find((p) => p.pamId === 'user:pam-7')!;
      assert.equal(pam.partners, 2);
      assert.equal(pam.capacity, 1);
      assert.equal(pam.overCapacity, true);
      assert.deepEqual(pam.byStage, { contacted: 1, prospect: 1 });
    });

    it('scores every partner against the ideal partner profile with an explanation, recomputed when the profile changes', async () => {
      await assert.rejects(
        call('defineIdealPartnerProfile', { actor: { id: 'user:pam-7', role: 'pam' }, name: 'x' }),
        (e: ServiceError) => e.code === status.PERMISSION_DENIED,
      );
      await assert.rejects(
        call('defineIdealPartnerProfile', {
          actor: admin,
          name: 'bad',
          partnerTypes: ['wizard'],
          weights: { partnerType: 300 },
        }),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          const fields = fieldViolationsOf(e).map((v) => v.field);
          assert.ok(
            fields.includes('partnerTypes[0]') && fields.includes('weights.partnerType'),
            fields.join(','),
          );
          return true;
        },
      );
      await call('defineIdealPartnerProfile', {
        actor: admin,
        name: 'Russian integrators',
        partnerTypes: ['integrator'],
        countries: ['RU'],
        weights: { partnerType: 50, geography: 50 },
      });
      const scored = await eventually('the fit of the first partner', async () => {
        const p = await call('getPartner', { actor: admin, partnerId: first });
        return p.fitScore === 100 ? p : null;
      });
      const explanation = scored!.fitExplanation as Array<{
        criterion: string;
        weight: number;
        matched: boolean;
      }>;
      assert.deepEqual(
        explanation.filter((c) => c.weight > 0).map((c) => [c.criterion, c.weight, c.matched]),
        [
          ['partnerType', 50, true],
          ['geography', 50, true],
        ],
      );
      // A German reseller fits neither criterion.
      const resellers = await call('listPartners', { actor: admin, type: 'reseller' });
      assert.deepEqual(
        (resellers.partners as Array<{ fitScore: number }>).map((p) => p.fitScore),
        [0, 0],
      );
      const fitting = await call('listPartners', { actor: admin, minFit: 100 });
      assert.ok((fitting.partners as Array<{ partnerId: string }>).some((p) => p.partnerId === first));
      assert.ok((fitting.partners as Array<{ type: string }>).every((p) => p.type === 'integrator'));

      // Redefined: resellers anywhere → the resellers now fit on type.
      await call('defineIdealPartnerProfile', {
        actor: admin,
        name: 'Resellers',
        partnerTypes: ['reseller'],
        countries: [],
        weights: { partnerType: 100 },
      });
      await eventually('the resellers to be rescored', async () => {
        const r = await call('listPartners', { actor: admin, type: 'reseller' });
        return (r.partners as Array<{ fitScore: number }>).every((p) => p.fitScore === 100);
      });
      await assert.rejects(
        call('listPartners', { actor: admin, minFit: 101 }),
        (e: ServiceError) => e.code === status.INVALID_ARGUMENT,
      );
    });

    it('changes tiers only when requirements are met, unless a vendor admin overrides with a reason', async () => {
      clock = at(50);
      await assert.rejects(
        call('changeTier', { actor: admin, partnerId: first, tier: 'silver', effectiveFrom: '2026-02-20' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /certifiedPeople/);
          return true;
        },
      );
      await assert.rejects(
        call('changeTier', {
          actor: { id: 'user:pam-7', role: 'pam' },
          partnerId: first,
          tier: 'silver',
          effectiveFrom: '2026-02-20',
          overrideReason: 'strategic',
        }),
        (e: ServiceError) => e.code === status.PERMISSION_DENIED,
      );
      await call('changeTier', {
        actor: admin,
        partnerId: first,
        tier: 'silver',
        effectiveFrom: '2026-02-20',
        overrideReason: 'strategic account',
      });
      const changed = (await store.readStream(partnerStream(first))).at(-1)!;
      assert.equal(changed.type, 'PartnerTierChanged');
      assert.equal((changed.data as { discountPercent: number }).discountPercent, 20);
      assert.equal((changed.data as { reason?: string }).reason, 'strategic account');
      await eventually(
        'the tier projected',
        async () => (await call('getPartner', { actor: admin, partnerId: first })).tier === 'silver',
      );
    });

    it('shows a future-dated tier change as scheduled, not as the current tier, until its day', async () => {
      clock = at(50); // 2026-02-20
      await call('changeTier', {
        actor: admin,
        partnerId: first,
        tier: 'gold',
        effectiveFrom: '2026-03-01',
        overrideReason: 'new contract from March',
      });
      const scheduled = await eventually('the scheduled tier projected', async () => {
        const p = await call('getPartner', { actor: admin, partnerId: first });
        return p.scheduledTier === 'gold' ? p : null;
      });
      assert.equal(scheduled!.tier, 'silver');
      assert.equal(scheduled!.scheduledTierFrom, '2026-03-01');
      const silver = await call('listPartners', { actor: admin, tier: 'silver' });
      assert.ok((silver.partners as Array<{ partnerId: string }>).some((p) => p.partnerId === first));
      clock = at(59); // 2026-03-01: in force
      const now = await call('getPartner', { actor: admin, partnerId: first });
      assert.equal(now.tier, 'gold');
      assert.equal(now.scheduledTier, '');
      const gold = await call('listPartners', { actor: admin, tier: 'gold' });
      assert.ok((gold.partners as Array<{ partnerId: string }>).some((p) => p.partnerId === first));
      clock = at(50);
    });

    it('refuses spending more MDF than the unspent allocation, naming what is left', async () => {
      const allocationId = randomUUID();
      await call('allocateMdf', {
        actor: admin,
        partnerId: first,
        allocationId,
        amount: { amount: '100000.00', currency: 'RUB' },
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
      });
      await call('spendMdf', {
        actor: admin,
        partnerId: first,
        allocationId,
        spendId: randomUUID(),
        amount: { amount: '60000.00', currency: 'RUB' },
        spentOn: '2026-03-01',
        activity: 'webinar',
      });
      await assert.rejects(
        call('spendMdf', {
          actor: admin,
          partnerId: first,
          allocationId,
          spendId: randomUUID(),
          amount: { amount: '50000.00', currency: 'RUB' },
          spentOn: '2026-03-02',
          activity: 'trade show',
        }),
        (e: ServiceError) => {
          assert.equal(e.code, status.FAILED_PRECONDITION);
          assert.match(e.details, /40000/);
          return true;
        },
      );
    });

    it('expires certifications past their date through the scheduler, with the injected clock, once', async () => {
      const cert1 = randomUUID();
      await call('grantCertification', {
        actor: admin,
        partnerId: first,
        certificationId: cert1,
        certificationCode: 'platform-admin',
        certificationName: 'Platform administrator',
        holderId: 'person-1',
        grantedOn: '2026-01-10',
        expiresOn: '2026-03-31',
      });
      await call('grantCertification', {
        actor: admin,
        partnerId: first,
        certificationId: randomUUID(),
        certificationCode: 'sales',
        certificationName: 'Sales',
        holderId: 'person-2',
        grantedOn: '2026-01-10',
        expiresOn: '',
      });
      await eventually(
        'certificates projected',
        async () =>
          (await db.query('SELECT 1 FROM partners_certifications WHERE partner_id = $1', [first])).length ===
          2,
      );
      const scheduler = new CertificationExpiryScheduler(app, db);
      assert.deepEqual(await scheduler.runOnce('2026-03-31'), [], 'valid through its expiry day');
      assert.deepEqual(await scheduler.runOnce('2026-04-01'), [first]);
      const expired = (await store.readStream(partnerStream(first))).filter(
        (e) => e.type === 'CertificationExpired',
      );
      assert.deepEqual(
        expired.map((e) => (e.data as { certificationId: string }).certificationId),
        [cert1],
      );
      await eventually(
        'expiry projected',
        async () => (await db.query('SELECT 1 FROM partners_certifications WHERE expired')).length === 1,
      );
      assert.deepEqual(await scheduler.runOnce('2026-04-02'), []);
      assert.equal(
        (await store.readStream(partnerStream(first))).filter((e) => e.type === 'CertificationExpired')
          .length,
        1,
      );
    });

    it('lets a partner user see and touch only its own partner, on every method', async () => {
      const other = (await call('listPartners', { actor: admin, type: 'reseller' })).partners as Array<{
        partnerId: string;
      }>;
      const otherId = other[0]!.partnerId;
      const me = { id: 'partner-user:1', role: 'partner_user', partnerId: first };
      const methods = client.methods;
      assert.ok(methods.length >= 19, methods.join(','));
      const ownAllowed = new Set([
        'getPartner',
        'getJourneyTimeline',
        'updatePartnerProfile',
        'completeOnboardingStep',
        'recordTraining',
        'spendMdf',
      ]);
      for (const method of methods) {
        // Another partner's id: refused for every method, before anything is read.
        await assert.rejects(call(method, { actor: me, partnerId: otherId }), (e: ServiceError) => {
          assert.equal(e.code, status.PERMISSION_DENIED, `${method} with another partner's id: ${e.details}`);
          return true;
        });
        if (!ownAllowed.has(method)) {
          await assert.rejects(call(method, { actor: me, partnerId: first }), (e: ServiceError) => {
            assert.equal(e.code, status.PERMISSION_DENIED, `${method} is vendor-only: ${e.details}`);
            return true;
          });
        }
      }
      const own = await call('getPartner', { actor: me, partnerId: first });
      assert.equal(own.partnerId, first);
      const timeline = await call('getJourneyTimeline', { actor: me, partnerId: first });
      assert.equal(timeline.partnerId, first);
      await assert.rejects(
        call('getPartner', { actor: { id: 'partner-user:2', role: 'partner_user' }, partnerId: first }),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          assert.deepEqual(
            fieldViolationsOf(e).map((v) => v.field),
            ['actor.partnerId'],
          );
          return true;
        },
      );
    });

    it('defines programs as data: their checklist applies to partners registered in them, their tiers to tier changes', async () => {
      await assert.rejects(
        call('defineProgram', {
          actor: admin,
          program: 'enterprise',
          name: 'Enterprise',
          tiers: [{ tier: 'diamond', discountPercent: 150 }],
        }),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          const fields = fieldViolationsOf(e).map((v) => v.field);
          assert.ok(
            fields.includes('tiers[0].tier') && fields.includes('tiers[0].discountPercent'),
            fields.join(','),
          );
          return true;
        },
      );
      await call('defineProgram', {
        actor: admin,
        program: 'enterprise',
        name: 'Enterprise partners',
        tiers: [
          { tier: 'registered', discountPercent: 5, requirements: {} },
          { tier: 'gold', discountPercent: 35, requirements: { certifiedPeople: 1 } },
        ],
        onboardingChecklist: [
          { step: 'contract', name: 'Contract signed', required: true },
          { step: 'nda', name: 'NDA signed', required: true },
        ],
      });
      await assert.rejects(
        call(
          'registerPartner',
          registration({
            program: 'nonexistent',
            taxId: 'DE300000001',
            country: 'DE',
            website: 'x1.example',
          }),
        ),
        (e: ServiceError) =>
          e.code === status.INVALID_ARGUMENT && fieldViolationsOf(e)[0]!.field === 'program',
      );
      const id = (
        await call(
          'registerPartner',
          registration({
            program: 'enterprise',
            legalName: 'Enterprise One',
            taxId: 'DE300000002',
            country: 'DE',
            website: 'e1.example',
          }),
        )
      ).partnerId as string;
      await call('advanceJourney', { actor: admin, partnerId: id, stage: 'contacted' });
      await call('advanceJourney', { actor: admin, partnerId: id, stage: 'agreement_signed' });
      await call('completeOnboardingStep', { actor: admin, partnerId: id, step: 'nda' });
      await assert.rejects(
        call('completeOnboardingStep', { actor: admin, partnerId: id, step: 'questionnaire' }),
        (e: ServiceError) => {
          assert.equal(e.code, status.INVALID_ARGUMENT);
          assert.match(e.details, /contract/);
          return true;
        },
      );
      await call('grantCertification', {
        actor: admin,
        partnerId: id,
        certificationId: randomUUID(),
        certificationCode: 'admin',
        certificationName: 'Admin',
        holderId: 'person-9',
        grantedOn: '2026-01-05',
        expiresOn: '',
      });
      await call('changeTier', {
        actor: admin,
        partnerId: id,
        program: 'enterprise',
        tier: 'gold',
        effectiveFrom: '2026-02-01',
      });
      const changed = (await store.readStream(partnerStream(id))).at(-1)!;
      assert.equal(changed.type, 'PartnerTierChanged');
      assert.equal((changed.data as { discountPercent: number }).discountPercent, 35);
    });

    it('tells a partner user only that the INN or domain is taken, never which partner holds it; the vendor sees the holder', async () => {
      const other = (
        await call('registerPartner', registration({ taxId: '7732156672', website: 'oracle-probe.example' }))
      ).partnerId as string;
      const otherUser = { id: 'user:probe', role: 'partner_user', partnerId: other };
      for (const change of [{ taxId: '7707083893' }, { website: 'romashka.ru' }]) {
        await assert.rejects(
          call('updatePartnerProfile', { actor: otherUser, partnerId: other, ...change }),
          (e: ServiceError) => {
            assert.equal(e.code, status.ALREADY_EXISTS, e.details);
            assert.doesNotMatch(e.details, new RegExp(first));
            const trailer = e.metadata.get(ERROR_DETAILS_TRAILER)[0]?.toString() ?? '';
            assert.doesNotMatch(trailer, new RegExp(first));
            assert.doesNotMatch(trailer, /existingPartnerId/);
            return true;
          },
        );
        await assert.rejects(
          call('updatePartnerProfile', { actor: admin, partnerId: other, ...change }),
          (e: ServiceError) => e.code === status.ALREADY_EXISTS && e.details.includes(first),
        );
      }
    });

    it('RegisterPartner retried under one requestId registers one partner; another body under the key is ALREADY_EXISTS (issue 22, item 11)', async () => {
      const fields = registration({ taxId: '7712345671', website: 'retry-safe.example' });
      const body = { ...fields, requestId: 'crm-sync-42' };
      // Three sends at once (a client retrying on a timeout), then one more.
      const sent = await Promise.all([1, 2, 3].map(() => call('registerPartner', body)));
      assert.equal(new Set(sent.map((r) => r.partnerId)).size, 1, 'one partner for one request id');
      const again = await call('registerPartner', body);
      assert.deepEqual(again, sent[0]);
      const id = sent[0]!.partnerId as string;
      assert.equal(
        (await store.readStream(partnerStream(id))).filter((e) => e.type === 'PartnerRegistered').length,
        1,
      );
      // The same key in metadata instead of the field is the same request.
      assert.deepEqual(
        await client.call('registerPartner', fields, { 'idempotency-key': 'crm-sync-42' }),
        sent[0],
      );
      await assert.rejects(
        call('registerPartner', { ...body, legalName: 'ООО «Другая»' }),
        (e: ServiceError) => e.code === status.ALREADY_EXISTS && /requestId/.test(e.details),
      );
    });
  });
}

partnersGrpcSuite(
  'PostgreSQL',
  async () => {
    const tdb = await createTestDatabase('partners_grpc');
    const db = new PostgresDatabase(tdb.url);
    return { db, cleanup: async () => (await db.close(), await tdb.drop()) };
  },
  skipUnlessPostgres(),
);
partnersGrpcSuite(
  'PGlite',
  async () => {
    const db = await PgliteDatabase.open();
    return { db, cleanup: () => db.close() };
  },
  false,
);
