import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchingKeys, matchKeys } from './index';

describe('matchKeys', () => {
  it('builds every key from a fully filled Russian customer', () => {
    assert.deepEqual(
      matchKeys({
        name: 'ПАО «Сбербанк»',
        country: 'RU',
        domain: 'https://www.sberbank.ru/ru/person',
        taxId: '7707 083 893',
      }),
      { domain: 'sberbank.ru', taxId: 'RU_INN:7707083893', nameCountry: 'sberbank|RU' },
    );
  });

  it('uppercases the country in the name key', () => {
    assert.equal(matchKeys({ name: 'Romashka LLC', country: 'ru' }).nameCountry, 'romashka|RU');
    assert.equal(matchKeys({ name: 'Romashka LLC', country: ' ru ' }).nameCountry, 'romashka|RU');
  });

  it('punycodes an IDN domain', () => {
    assert.equal(
      matchKeys({ name: 'Пример', country: 'RU', domain: 'пример.рф' }).domain,
      'xn--e1afmkfd.xn--p1ai',
    );
  });

  it('leaves out a domain or tax id that is missing, empty or invalid', () => {
    const onlyName = { nameCountry: 'romashka|RU' };
    assert.deepEqual(matchKeys({ name: 'Ромашка', country: 'RU' }), onlyName);
    assert.deepEqual(matchKeys({ name: 'Ромашка', country: 'RU', domain: null, taxId: null }), onlyName);
    assert.deepEqual(matchKeys({ name: 'Ромашка', country: 'RU', domain: '', taxId: '' }), onlyName);
    assert.deepEqual(
      matchKeys({ name: 'Ромашка', country: 'RU', domain: 'info@romashka.ru', taxId: '7707083894' }),
      onlyName,
    );
    assert.deepEqual(
      matchKeys({ name: 'Ромашка', country: 'RU', domain: 'localhost', taxId: '12345' }),
      onlyName,
    );
  });

  it('validates the tax id against the country: an INN given for Kazakhstan is OTHER', () => {
    assert.equal(
      matchKeys({ name: 'Казахтелеком', country: 'KZ', taxId: '7707083893' }).taxId,
      'OTHER:KZ:7707083893',
    );
  });

  it('qualifies OTHER tax ids with the country, since they are unique only within it', () => {
    assert.equal(
      matchKeys({ name: 'Robert Bosch GmbH', country: 'DE', taxId: 'DE 129 274 202' }).taxId,
      'OTHER:DE:DE129274202',
    );
  });

  it('gives an empty name key for an empty name, never a bare country', () => {
    assert.deepEqual(matchKeys({ name: '  ', country: 'RU', domain: 'romashka.ru' }), {
      domain: 'romashka.ru',
      nameCountry: '',
    });
  });
});

describe('matchingKeys', () => {
  it('matches the same INN under different names, in both directions', () => {
    const registered = matchKeys({ name: 'ООО «Ромашка»', country: 'RU', taxId: '7725123450' });
    const direct = matchKeys({ name: 'Ромашка Трейд', country: 'RU', taxId: '77 25 12 34 50' });
    assert.deepEqual(matchingKeys(registered, direct), ['taxId']);
    assert.deepEqual(matchingKeys(direct, registered), ['taxId']);
  });

  it('matches the same domain written differently', () => {
    const partnerA = matchKeys({ name: 'Acme, Inc.', country: 'US', domain: 'https://www.acme.com/contact' });
    const partnerB = matchKeys({ name: 'ACME Holdings', country: 'US', domain: 'ACME.COM' });
    assert.deepEqual(matchingKeys(partnerA, partnerB), ['domain']);
  });

  it('matches a Cyrillic registration with a Latin CRM export on name and country', () => {
    const vendor = matchKeys({ name: 'ООО «Ромашка»', country: 'RU' });
    const partner = matchKeys({ name: 'Romashka LLC', country: 'RU' });
    assert.deepEqual(matchingKeys(vendor, partner), ['nameCountry']);
  });

  it('does not match the same name in different countries', () => {
    const russian = matchKeys({ name: 'ООО «Вектор»', country: 'RU' });
    const kazakh = matchKeys({ name: 'ТОО «Вектор»', country: 'KZ' });
    assert.deepEqual(matchingKeys(russian, kazakh), []);
  });

  it('lists every shared key in priority order taxId, domain, nameCountry', () => {
    const a = matchKeys({ name: 'ПАО Сбербанк', country: 'RU', domain: 'sberbank.ru', taxId: '7707083893' });
    const b = matchKeys({
      name: 'Sberbank PJSC',
      country: 'RU',
      domain: 'www.sberbank.ru',
      taxId: '7707083893',
    });
    assert.deepEqual(matchingKeys(a, b), ['taxId', 'domain', 'nameCountry']);
  });

  it('reports shared keys even when another key differs', () => {
    // Same site, different legal entities (e.g. a holding and its subsidiary): the caller sees
    // that the domain matches and the tax id does not, and decides.
    const holding = matchKeys({
      name: 'Яндекс',
      country: 'RU',
      domain: 'yandex-team.ru',
      taxId: '7736207543',
    });
    const other = matchKeys({ name: 'Яндекс', country: 'RU', domain: 'yandex-team.ru', taxId: '7713140469' });
    assert.deepEqual(matchingKeys(holding, other), ['domain', 'nameCountry']);
  });

  it('does not match OTHER tax ids from different countries', () => {
    const german = matchKeys({ name: 'Alpha', country: 'DE', taxId: '12345678' });
    const french = matchKeys({ name: 'Beta', country: 'FR', taxId: '12345678' });
    assert.deepEqual(matchingKeys(german, french), []);
  });

  it('does not match on absent keys or on empty names', () => {
    const a = matchKeys({ name: '', country: 'RU' });
    const b = matchKeys({ name: '', country: 'RU' });
    assert.deepEqual(matchingKeys(a, b), []);
    assert.deepEqual(matchingKeys({ nameCountry: 'x|RU' }, { nameCountry: 'y|RU' }), []);
  });

  it('does not match different customers', () => {
    const a = matchKeys({ name: 'ООО «Ромашка»', country: 'RU', domain: 'romashka.ru', taxId: '7725123450' });
    const b = matchKeys({ name: 'ООО «Василёк»', country: 'RU', domain: 'vasilek.ru', taxId: '7725123490' });
    assert.deepEqual(matchingKeys(a, b), []);
  });
});
