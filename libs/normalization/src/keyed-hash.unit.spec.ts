import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  companyNameKey,
  isFreeMailDomain,
  keyedHash,
  keyedHasher,
  matchKeys,
  normalizeDomain,
  validateRussianInn,
} from './index';

const SECRET = 'deployment-secret-0123456789';

describe('isFreeMailDomain', () => {
  it('recognizes international and Russian webmail domains after normalization', () => {
    for (const input of [
      'gmail.com',
      'https://www.Gmail.com/',
      'MAIL.RU',
      'yandex.ru',
      'почта.рф',
      'outlook.com',
    ]) {
      const domain = normalizeDomain(input);
      assert.ok(domain.ok, input);
      assert.equal(isFreeMailDomain(domain.value), true, input);
    }
  });

  it('does not flag company domains, subdomains of webmail or look-alikes', () => {
    for (const domain of [
      'romashka.ru',
      'corp.mail.ru',
      'gmail-corp.ru',
      'mail.ru.example.com',
      'yandex.cloud',
    ]) {
      assert.equal(isFreeMailDomain(domain), false, domain);
    }
  });
});

describe('keyedHash / keyedHasher', () => {
  it('is HMAC-SHA256 of the normalized key, truncated', () => {
    const expected = createHmac('sha256', SECRET).update('domain:romashka.ru').digest('hex').slice(0, 32);
    assert.equal(keyedHash(SECRET, 'domain:romashka.ru'), expected);
    assert.equal(keyedHash(SECRET, 'domain:romashka.ru', 8).length, 16);
    assert.equal(keyedHasher(SECRET)('x').length, 32);
  });

  it('lets a Cyrillic and a Latin record meet on the hashed name key, and differs per secret', () => {
    const cyr = matchKeys({ name: 'ООО «Ромашка»', country: 'RU' }).nameCountry;
    const lat = matchKeys({ name: 'Romashka, L.L.C.', country: 'ru' }).nameCountry;
    assert.equal(keyedHash(SECRET, cyr), keyedHash(SECRET, lat));
    assert.notEqual(keyedHash(SECRET, cyr), keyedHash('another-secret-0123456789', cyr));
    assert.notEqual(
      keyedHash(SECRET, cyr),
      keyedHash(SECRET, matchKeys({ name: 'Romashka', country: 'KZ' }).nameCountry),
    );
  });

  it('refuses a short secret and an odd truncation', () => {
    assert.throws(() => keyedHasher('short'), /at least 16 bytes/);
    assert.throws(() => keyedHash(SECRET, 'x', 4), /8\.\.32/);
  });
});

describe('real-world-looking CRM records', () => {
  const sameName: Array<[string, string]> = [
    ['ООО «Ромашка»', 'Romashka LLC'],
    ['ООО "Ромашка"', 'romashka, llc.'],
    ['Общество с ограниченной ответственностью «Ромашка»', 'ROMASHKA Ltd'],
    ['АО «Вектор»', 'Vektor JSC'],
    ['ПАО «Северсталь»', 'Severstal PJSC'],
    ['ЗАО «Гранит»', 'Granit CJSC'],
    ['ИП Иванов', 'Ivanov'],
    ['Acme GmbH', 'ACME Inc.'],
    ['Société Générale SA', 'Societe Generale'],
    ['Nestlé S.A.', 'Nestle'],
    ['Müller AG', 'Muller'],
    ['«Лукойл»', 'Lukoyl'],
  ];
  for (const [a, b] of sameName) {
    it(`"${a}" meets "${b}"`, () => assert.equal(companyNameKey(a), companyNameKey(b)));
  }

  it('keeps different companies apart', () => {
    assert.notEqual(companyNameKey('ООО «Ромашка»'), companyNameKey('ООО «Ромашка-2»'));
    assert.notEqual(companyNameKey('Acme Corp'), companyNameKey('Acme Labs'));
  });

  it('normalizes domains as exported by CRMs', () => {
    const cases: Array<[string, string]> = [
      ['http://www.romashka.ru', 'romashka.ru'],
      ['HTTPS://WWW.ROMASHKA.RU/', 'romashka.ru'],
      ['romashka.ru/contacts?utm=1', 'romashka.ru'],
      ['www.пример.рф', 'xn--e1afmkfd.xn--p1ai'],
      ['xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
      ['https://shop.acme.com:8443/path', 'shop.acme.com'],
    ];
    for (const [input, expected] of cases)
      assert.deepEqual(normalizeDomain(input), { ok: true, value: expected }, input);
    for (const bad of ['info@romashka.ru', 'n/a', '192.168.0.1', 'localhost'])
      assert.equal(normalizeDomain(bad).ok, false, bad);
  });

  it('refuses bad INNs the way exports get them wrong', () => {
    assert.equal(validateRussianInn('7707083893').ok, true);
    assert.equal(validateRussianInn('7707 083 893').ok, true);
    assert.equal(validateRussianInn('500100732259').ok, true);
    for (const bad of [
      '7707083894',
      '770708389',
      '0000000000',
      '77070838930',
      'ИНН7707083893',
      '500100732258',
    ]) {
      assert.equal(validateRussianInn(bad).ok, false, bad);
    }
  });
});

describe('keyedHasher matches createHmac', () => {
  it('for short, long, Cyrillic keys and long secrets', () => {
    const long = 'x'.repeat(1000);
    for (const secret of [SECRET, 'k'.repeat(64), 'k'.repeat(65), Buffer.alloc(100, 7)]) {
      const hasher = keyedHasher(secret);
      for (const key of ['', 'd:romashka.ru', 'n:ромашка|RU', long, 'd:a.ru']) {
        assert.deepEqual(
          hasher(key),
          createHmac('sha256', secret).update(key, 'utf8').digest(),
          `${key.slice(0, 20)}`,
        );
      }
    }
  });
});
