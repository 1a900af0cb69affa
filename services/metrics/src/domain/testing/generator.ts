import type { RecordedEvent } from '@prm/contracts';
import { EventFactory } from './events';

/*
 * A deterministic generator of a realistic event mix (partners, their enablement, deals with
 * their whole lifecycle and commissions, direct deals, influence, account mapping, an ideal
 * partner profile and exchange rates), in event-time order over about two years.
 * Same seed, same events (ids included).
 */

export interface GeneratorOptions {
  partners: number;
  /** Roughly how many events in total (the mix decides the exact number). */
  events: number;
  seed?: number;
  /** Check every event against its zod schema (slow; for tests). */
  validate?: boolean;
  start?: string;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

type Draft = { at: number; seq: number; make: (f: EventFactory, iso: string) => RecordedEvent };

export function generateEvents(options: GeneratorOptions): RecordedEvent[] {
  return Array.from(generateEventStream(options));
}

/**
 * The same events as generateEvents, made one at a time as they are consumed: only the
 * small plan of each event is held in memory, not a million event objects (benchmarks fold
 * or append them as they come).
 */
export function* generateEventStream(options: GeneratorOptions): Generator<RecordedEvent, void, undefined> {
  const drafts = planEvents(options);
  const factory = new EventFactory(options.validate ?? false);
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i]!;
    drafts[i] = undefined as unknown as Draft; // let the plan go as it is consumed
    yield d.make(factory, new Date(d.at).toISOString());
  }
}

function planEvents(options: GeneratorOptions): Draft[] {
  const random = rng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const start = Date.parse(options.start ?? '2024-01-01T00:00:00.000Z');
  const span = 730 * 86_400_000;
  const day = 86_400_000;
  const drafts: Draft[] = [];
  let seq = 0;
  const push = (at: number, make: Draft['make']) =>
    drafts.push({ at: Math.min(at, start + span), seq: seq++, make });
  const perPartner = Math.max(12, Math.floor(options.events / options.partners));
  const dealsPerPartner = Math.max(1, Math.floor((perPartner - 12) / 4.5));
  const rub = (n: number) => ({ amount: `${Math.round(n)}.00`, currency: 'RUB' });
  let dealNo = 0;
  push(start, (f, at) =>
    f.event(
      'IdealPartnerProfileDefined',
      {
        profileId: uuid(0xa, 1),
        name: 'Enterprise integrators',
        partnerTypes: ['integrator', 'msp'],
        employeeCount: { min: 50 },
        countries: ['RU'],
        specializations: ['erp'],
        clientSegments: ['enterprise', 'mid_market'],
        industries: [],
      },
      at,
    ),
  );
  for (let m = 0; m < 24; m++)
    push(start + m * 30 * day, (f, at) =>
      f.event(
        'ExchangeRateRecorded',
        { from: 'EUR', to: 'RUB', rate: `${95 + (m % 7)}.5`, effectiveOn: at.slice(0, 10) },
        at,
      ),
    );
  const pams = Math.max(1, Math.ceil(options.partners / 10));
  for (let p = 0; p < options.partners; p++) {
    const partnerId = uuid(1, p);
    const t0 = start + Math.floor(random() * span * 0.5);
    const employees = 5 + Math.floor(random() * 900);
    push(t0, (f, at) =>
      f.event(
        'PartnerRegistered',
        {
          partnerId,
          legalName: `Partner ${p}`,
          country: random() < 0.8 ? 'RU' : 'KZ',
          region: pick(['Siberia', 'Ural', 'Volga', 'Moscow']),
          websiteDomain: `p${p}.example`,
          taxId: { scheme: 'OTHER', value: `T${p}` },
          type: pick(['integrator', 'reseller', 'msp', 'referral'] as const),
          employeeCount: employees,
          salesReps: 1 + Math.floor(employees / 20),
          specializations: random() < 0.5 ? ['erp'] : ['crm', 'cloud'],
          clientSegments: random() < 0.5 ? ['enterprise'] : ['smb', 'mid_market'],
          industries: ['retail'],
        },
        at,
      ),
    );
    const stages = ['contacted', 'agreement_signed', 'onboarding', 'enabled'] as const;
    stages.forEach((stage, i) =>
      push(t0 + (i + 1) * 5 * day, (f, at) =>
        f.event(
          'PartnerJourneyStageReached',
          { partnerId, stage, previousStage: i === 0 ? 'prospect' : stages[i - 1]!, reachedAt: at },
          at,
        ),
      ),
    );
    push(t0 + 6 * day, (f, at) =>
      f.event('PamAssigned', { partnerId, pamId: `pam-${p % pams}`, previousPamId: null }, at),
    );
    push(t0 + 7 * day, (f, at) =>
      f.event(
        'PartnerTierChanged',
        {
          partnerId,
          tier: pick(['registered', 'silver', 'gold'] as const),
          previousTier: null,
          discountPercent: 10,
          effectiveFrom: at.slice(0, 10),
        },
        at,
      ),
    );
    push(t0 + 8 * day, (f, at) =>
      f.event(
        'CertificationGranted',
        {
          partnerId,
          certificationId: uuid(2, p),
          certificationCode: 'sales',
          certificationName: 'Sales',
          holderId: `h${p}`,
          grantedOn: at.slice(0, 10),
          expiresOn: new Date(Date.parse(at) + 365 * day).toISOString().slice(0, 10),
        },
        at,
      ),
    );
    push(t0 + 9 * day, (f, at) =>
      f.event(
        'TrainingCompleted',
        {
          partnerId,
          trainingCode: 'p101',
          trainingName: 'Product 101',
          attendeeId: `h${p}`,
          completedAt: at,
          hours: 4,
        },
        at,
      ),
    );
    push(t0 + 10 * day, (f, at) =>
      f.event(
        'MdfAllocated',
        {
          partnerId,
          allocationId: uuid(3, p),
          amount: rub(100_000),
          validFrom: at.slice(0, 10),
          validUntil: '2027-12-31',
        },
        at,
      ),
    );
    push(t0 + 40 * day, (f, at) =>
      f.event(
        'MdfSpent',
        {
          partnerId,
          allocationId: uuid(3, p),
          spendId: uuid(4, p),
          amount: rub(20_000 + random() * 80_000),
          spentOn: at.slice(0, 10),
          activity: 'webinar',
        },
        at,
      ),
    );
    push(t0 + 60 * day, (f, at) =>
      f.event(
        'OverlapsComputed',
        {
          partnerId,
          computationId: uuid(5, p),
          vendorListId: uuid(6, 1),
          partnerListId: uuid(7, p),
          vendorAccountCount: 5000,
          partnerAccountCount: 300,
          cells: [
            {
              vendorPopulation: 'prospect',
              partnerPopulation: 'customer',
              count: Math.floor(random() * 120),
            },
            {
              vendorPopulation: 'opportunity',
              partnerPopulation: 'customer',
              count: Math.floor(random() * 30),
            },
          ],
        },
        at,
      ),
    );
    const skill = random();
    for (let d = 0; d < dealsPerPartner; d++) {
      const direct = random() < 0.15;
      const dealId = uuid(8, dealNo++);
      const owner = direct ? null : partnerId;
      const reg = t0 + 20 * day + Math.floor(random() * (span - (t0 - start) - 20 * day));
      const value = 100_000 + Math.floor(random() * 5_000_000);
      const eur = random() < 0.1;
      const money = eur ? { amount: `${Math.round(value / 100)}.00`, currency: 'EUR' } : rub(value);
      const customer = Math.floor(random() * options.partners * 3);
      const attribution = direct ? null : random() < 0.7 ? ('sourced' as const) : ('influenced' as const);
      push(reg, (f, at) =>
        f.event(
          'DealRegistered',
          {
            dealId,
            partnerId: owner,
            channel: direct ? 'direct' : 'partner',
            customer: { name: `Customer ${customer}`, country: 'RU' },
            customerKeys: { taxId: `OTHER:C${customer}`, nameCountry: `customer ${customer}|RU` },
            customerClass: pick(['A', 'B', 'C'] as const),
            estimatedValue: money,
            expectedCloseDate: new Date(reg + 90 * day).toISOString().slice(0, 10),
            products: ['crm'],
            attribution,
            registeredAt: at,
            pamId: direct ? null : `pam-${p % pams}`,
          },
          at,
        ),
      );
      if (!direct && random() < 0.1)
        push(reg + 1000, (f, at) =>
          f.event(
            'DealConflictDetected',
            {
              dealId,
              partnerId: owner,
              conflicts: [
                {
                  kind: 'direct_deal',
                  conflictingDealId: null,
                  conflictingPartnerId: null,
                  matchedOn: ['tax_id'],
                },
              ],
            },
            at,
          ),
        );
      if (!direct && random() < 0.12) {
        push(reg + 2 * day, (f, at) =>
          f.event(
            'DealRegistrationRejected',
            { dealId, partnerId: partnerId, reasonCode: 'not_qualified', reason: 'not qualified' },
            at,
          ),
        );
        continue;
      }
      if (!direct)
        push(reg + 2 * day, (f, at) =>
          f.event(
            'DealRegistrationApproved',
            { dealId, partnerId, protectedUntil: new Date(reg + 92 * day).toISOString().slice(0, 10) },
            at,
          ),
        );
      push(reg + 10 * day, (f, at) =>
        f.event(
          'DealStageChanged',
          { dealId, partnerId: owner, stage: 'qualified', previousStage: 'approved', estimatedValue: money },
          at,
        ),
      );
      const influencer = !direct && random() < 0.15 ? uuid(1, (p + 1) % options.partners) : null;
      if (influencer)
        push(reg + 12 * day, (f, at) =>
          f.event(
            'DealInfluenceRecorded',
            { dealId, partnerId: influencer, influenceId: uuid(9, dealNo), activity: 'demo' },
            at,
          ),
        );
      const cycle = 20 + Math.floor(random() * 120);
      const close = reg + cycle * day;
      const outcome = random();
      if (!direct && outcome < 0.08) {
        push(reg + 91 * day, (f, at) =>
          f.event(
            'DealRegistrationExpired',
            { dealId, partnerId, protectedUntil: new Date(reg + 90 * day).toISOString().slice(0, 10) },
            at,
          ),
        );
      } else if (outcome < 0.3 + skill * 0.4) {
        push(close, (f, at) =>
          f.event(
            'DealWon',
            {
              dealId,
              partnerId: owner,
              wonValue: money,
              closedOn: at.slice(0, 10),
              attribution,
              cycleDays: cycle,
              ...(influencer && { influencingPartnerIds: [influencer] }),
            },
            at,
          ),
        );
        if (!direct) {
          const commissionId = uuid(10, dealNo);
          push(close + 1000, (f, at) =>
            f.event(
              'CommissionAccrued',
              {
                dealId,
                partnerId,
                commissionId,
                tier: 'silver',
                ratePercent: 10,
                baseAmount: money,
                amount: { amount: `${Math.round(Number(money.amount) / 10)}.00`, currency: money.currency },
                attribution: attribution!,
              },
              at,
            ),
          );
          push(close + 30 * day, (f, at) =>
            f.event(
              'CommissionPaid',
              { dealId, partnerId, commissionId, paidOn: at.slice(0, 10), paymentReference: `INV-${dealNo}` },
              at,
            ),
          );
        }
      } else {
        push(close, (f, at) =>
          f.event(
            'DealLost',
            { dealId, partnerId: owner, lostReason: 'price', closedOn: at.slice(0, 10), cycleDays: cycle },
            at,
          ),
        );
      }
    }
  }
  drafts.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return drafts;
}
