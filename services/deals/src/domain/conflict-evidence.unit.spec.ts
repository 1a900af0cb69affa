import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataOf } from '@prm/contracts';
import { matchKeys, MATCHING_CASES, type CustomerIdentity } from '@prm/normalization';
import type { ExistingRegistration } from './deal.commands';
import { dealDecider, evidenceOf } from './deal.decider';
import type { DealEvent } from './deal.events';
import { OTHER_DEAL_ID, OTHER_PARTNER_ID, registerCommand } from './testing/deal.fixtures';

/** Another partner's registration of `customer`, holding protection, as the shell finds it (stream read). */
const protectedRegistrationOf = (customer: CustomerIdentity): ExistingRegistration => ({
  dealId: OTHER_DEAL_ID,
  partnerId: OTHER_PARTNER_ID,
  channel: 'partner',
  registeredAt: '2025-02-20T09:00:00.000Z',
  matchedOn: ['name'],
  holdsProtection: true,
  customerKeys: matchKeys(customer),
});

function registerWith(customer: CustomerIdentity, existing: ExistingRegistration[]): readonly DealEvent[] {
  const { name, country } = customer;
  return dealDecider.decide(
    registerCommand({
      customer: {
        name,
        country,
        ...(customer.domain && { domain: customer.domain }),
        ...(customer.taxId && { taxId: customer.taxId }),
      },
      existing,
    }),
    dealDecider.initialState(),
  );
}

const registeredOf = (events: readonly DealEvent[]) => events[0]!.data as DataOf<'DealRegistered'>;
const conflictsOf = (events: readonly DealEvent[]) =>
  events.flatMap((e) => (e.type === 'DealConflictDetected' ? e.data.conflicts : []));

describe('RegisterDeal on the shared MATCHING_CASES table (the rule the mapping engine uses too)', () => {
  for (const c of MATCHING_CASES) {
    for (const [first, second] of [
      [c.a, c.b],
      [c.b, c.a],
    ] as const) {
      it(`${c.title}: ${c.sameness} (${first.name} registered first)`, () => {
        const events = registerWith(second, [protectedRegistrationOf(first)]);
        const conflicts = conflictsOf(events);
        if (c.sameness === 'none') {
          assert.deepEqual(conflicts, []);
          assert.equal(registeredOf(events).holdsProtection, true);
          return;
        }
        assert.equal(conflicts.length, 1);
        assert.equal(
          conflicts[0]!.evidence,
          c.sameness === 'same' ? 'same_customer' : 'possible_same_customer',
        );
        // Only the same customer takes protection away; a possible one is for the vendor to decide.
        assert.equal(registeredOf(events).holdsProtection, c.sameness !== 'same');
      });
    }
  }
});

describe('RegisterDeal: conflict evidence', () => {
  it('a name-only match is a possible conflict: flagged for the vendor, and the new registration is protected', () => {
    const events = registerWith({ name: 'ООО «Ромашка»', country: 'RU', domain: 'romashka-msk.ru' }, [
      protectedRegistrationOf({ name: 'Romashka LLC', country: 'RU', domain: 'romashka-spb.ru' }),
    ]);
    assert.equal(registeredOf(events).holdsProtection, true);
    assert.deepEqual(conflictsOf(events), [
      {
        kind: 'partner_registration',
        conflictingDealId: OTHER_DEAL_ID,
        conflictingPartnerId: OTHER_PARTNER_ID,
        matchedOn: ['name'],
        conflictingRegisteredAt: '2025-02-20T09:00:00.000Z',
        firstDealId: OTHER_DEAL_ID,
        evidence: 'possible_same_customer',
      },
    ]);
  });

  it('two customers of the same name and country with different valid INNs are no conflict at all', () => {
    const events = registerWith({ name: 'ООО «Сервис»', country: 'RU', taxId: '7707083893' }, [
      protectedRegistrationOf({ name: 'ООО «Сервис»', country: 'RU', taxId: '7713140469' }),
    ]);
    assert.equal(events.length, 1);
    assert.equal(registeredOf(events).holdsProtection, true);
  });

  it('a free-mail domain is no key: two customers on gmail.com are no conflict', () => {
    const events = registerWith({ name: 'Вектор', country: 'RU', domain: 'gmail.com' }, [
      protectedRegistrationOf({ name: 'Ромашка', country: 'RU', domain: 'gmail.com' }),
    ]);
    assert.equal(events.length, 1);
    assert.equal(registeredOf(events).customerKeys?.domain, undefined);
  });

  it('a subdomain is the registrable domain: shop.acme.ru conflicts with acme.ru as the same customer', () => {
    const events = registerWith({ name: 'Acme Shop', country: 'RU', domain: 'shop.acme.ru' }, [
      protectedRegistrationOf({ name: 'Acme', country: 'RU', domain: 'acme.ru' }),
    ]);
    assert.equal(registeredOf(events).customerKeys?.domain, 'acme.ru');
    assert.equal(registeredOf(events).holdsProtection, false);
    assert.deepEqual(conflictsOf(events)[0]!.matchedOn, ['domain']);
  });

  it('a registration in flight (no keys read yet) is judged by the index: a name row alone is possible', () => {
    assert.deepEqual(evidenceOf(matchKeys({ name: 'X', country: 'RU' }), { matchedOn: ['name'] }), {
      evidence: 'possible_same_customer',
      matchedOn: ['name'],
    });
    assert.equal(
      evidenceOf(matchKeys({ name: 'X', country: 'RU' }), { matchedOn: ['domain', 'name'] }).evidence,
      'same_customer',
    );
  });
});
