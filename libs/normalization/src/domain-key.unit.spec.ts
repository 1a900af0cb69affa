import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { domainKey, matchKeys, registrableDomain } from './index';

describe('registrableDomain (Public Suffix List via tldts)', () => {
  it('reduces subdomains to the registrable domain', () => {
    assert.equal(registrableDomain('shop.acme.ru'), 'acme.ru');
    assert.equal(registrableDomain('m.acme.co.uk'), 'acme.co.uk');
    assert.equal(registrableDomain('ru.acme.com'), 'acme.com');
    assert.equal(registrableDomain('a.b.c.acme.com.au'), 'acme.com.au');
    assert.equal(registrableDomain('sub.xn--e1afmkfd.xn--p1ai'), 'xn--e1afmkfd.xn--p1ai');
  });

  it('keeps government and university domains apart, as the list says (ICANN section)', () => {
    assert.equal(registrableDomain('www.hmrc.gov.uk'), 'hmrc.gov.uk');
    assert.equal(registrableDomain('it.ox.ac.uk'), 'ox.ac.uk');
    // .ru has no university suffix in the list: msu.ru is registered under .ru.
    assert.equal(registrableDomain('cs.msu.ru'), 'msu.ru');
  });

  it('uses the private section too: gov.ru, spb.ru and shared hosts are suffixes', () => {
    assert.equal(registrableDomain('www.nalog.gov.ru'), 'nalog.gov.ru');
    assert.equal(registrableDomain('acme.spb.ru'), 'acme.spb.ru');
    assert.equal(registrableDomain('acme.github.io'), 'acme.github.io');
  });

  it('has none for a public suffix itself', () => {
    assert.equal(registrableDomain('co.uk'), undefined);
    assert.equal(registrableDomain('github.io'), undefined);
  });
});

describe('domainKey', () => {
  it('is the registrable domain', () => {
    assert.equal(domainKey('shop.acme.ru'), 'acme.ru');
  });

  it('is absent for free-mail domains and their subdomains, from the maintained list', () => {
    for (const domain of [
      'gmail.com',
      'outlook.com',
      'mail.ru',
      'yandex.ru',
      'corp.mail.ru',
      'hotmail.fr',
      'ya.ru',
    ]) {
      assert.equal(domainKey(domain), undefined, domain);
    }
  });

  it('is absent for a public suffix', () => {
    assert.equal(domainKey('github.io'), undefined);
  });

  it('is what matchKeys keys a customer domain on', () => {
    assert.equal(
      matchKeys({ name: 'Acme', country: 'RU', domain: 'https://shop.acme.ru/x' }).domain,
      'acme.ru',
    );
    assert.equal(matchKeys({ name: 'Acme', country: 'RU', domain: 'gmail.com' }).domain, undefined);
  });
});
