import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayDomain, normalizeDomain } from './index';

const accepted = (value: string) => ({ ok: true, value });
const refused = (reason: string) => ({ ok: false, reason });

const EMAIL = refused('looks like an e-mail address; give the website domain');
const IP = refused('is an IP address; give the website domain');
const EMPTY = refused('is empty; give the website domain, e.g. example.com');
const BAD_CHARS = refused(
  'contains characters not allowed in a domain (only letters, digits, hyphens and dots)',
);

describe('normalizeDomain', () => {
  describe('reduces a pasted URL to its domain', () => {
    it('strips scheme, www, path and query, and lowercases', () => {
      assert.deepEqual(normalizeDomain('https://WWW.Example.COM/path?q'), accepted('example.com'));
    });

    it('strips any scheme, or none', () => {
      assert.deepEqual(normalizeDomain('http://romashka.ru'), accepted('romashka.ru'));
      assert.deepEqual(normalizeDomain('HTTPS://romashka.ru/'), accepted('romashka.ru'));
      assert.deepEqual(normalizeDomain('ftp://files.romashka.ru'), accepted('files.romashka.ru'));
      assert.deepEqual(normalizeDomain('//cdn.romashka.ru/app.js'), accepted('cdn.romashka.ru'));
      assert.deepEqual(normalizeDomain('romashka.ru'), accepted('romashka.ru'));
    });

    it('strips a port, with or without a scheme', () => {
      assert.deepEqual(normalizeDomain('https://crm.romashka.ru:8443/login'), accepted('crm.romashka.ru'));
      assert.deepEqual(normalizeDomain('romashka.ru:80'), accepted('romashka.ru'));
      assert.deepEqual(normalizeDomain('romashka.ru:'), accepted('romashka.ru'));
    });

    it('strips a fragment, a query without a path, and a Windows-style backslash path', () => {
      assert.deepEqual(normalizeDomain('romashka.ru#contacts'), accepted('romashka.ru'));
      assert.deepEqual(normalizeDomain('romashka.ru?utm_source=partner'), accepted('romashka.ru'));
      assert.deepEqual(normalizeDomain('romashka.ru\\about'), accepted('romashka.ru'));
    });

    it('strips userinfo in a URL', () => {
      assert.deepEqual(normalizeDomain('https://admin:secret@portal.acme.com/'), accepted('portal.acme.com'));
    });

    it('strips surrounding whitespace and one trailing dot', () => {
      assert.deepEqual(normalizeDomain('  acme.com \n'), accepted('acme.com'));
      assert.deepEqual(normalizeDomain('acme.com.'), accepted('acme.com'));
      assert.deepEqual(normalizeDomain('https://www.acme.com./x'), accepted('acme.com'));
    });

    it('strips one leading www. but keeps other subdomains', () => {
      assert.deepEqual(normalizeDomain('www.acme.com'), accepted('acme.com'));
      assert.deepEqual(normalizeDomain('WWW.ACME.CO.UK'), accepted('acme.co.uk'));
      assert.deepEqual(normalizeDomain('shop.acme.com'), accepted('shop.acme.com'));
      assert.deepEqual(normalizeDomain('www2.acme.com'), accepted('www2.acme.com'));
    });

    it('keeps www. when nothing with a dot would be left (www.com is a domain of its own)', () => {
      assert.deepEqual(normalizeDomain('www.com'), accepted('www.com'));
      assert.deepEqual(normalizeDomain('www.www.com'), accepted('www.com'));
    });

    it('strips a repeated www., so normalizing a normalized domain changes nothing', () => {
      assert.deepEqual(normalizeDomain('www.www.acme.com'), accepted('acme.com'));
      for (const input of [
        'https://WWW.Acme.COM/x',
        'www.www.acme.com',
        'пример.рф',
        'www.com',
        'münchen.de',
      ]) {
        const once = normalizeDomain(input);
        assert.ok(once.ok, input);
        assert.deepEqual(normalizeDomain(once.value), once, input);
      }
    });
  });

  describe('IDN: the ASCII (punycode) form is canonical', () => {
    it('converts a Cyrillic domain to punycode', () => {
      assert.deepEqual(normalizeDomain('пример.рф'), accepted('xn--e1afmkfd.xn--p1ai'));
    });

    it('keeps a punycode domain as it is, in any case', () => {
      assert.deepEqual(normalizeDomain('xn--e1afmkfd.xn--p1ai'), accepted('xn--e1afmkfd.xn--p1ai'));
      assert.deepEqual(normalizeDomain('XN--E1AFMKFD.XN--P1AI'), accepted('xn--e1afmkfd.xn--p1ai'));
    });

    it('gives the same key for upper case, a URL, www. and a mix of scripts', () => {
      assert.deepEqual(normalizeDomain('https://WWW.ПРИМЕР.РФ:443/о-нас'), accepted('xn--e1afmkfd.xn--p1ai'));
      assert.deepEqual(normalizeDomain('пример.xn--p1ai'), accepted('xn--e1afmkfd.xn--p1ai'));
    });

    it('converts Latin letters with diacritics', () => {
      assert.deepEqual(normalizeDomain('münchen.de'), accepted('xn--mnchen-3ya.de'));
    });

    it('reads full-width characters and the ideographic dot as a browser does', () => {
      assert.deepEqual(normalizeDomain('ｅｘａｍｐｌｅ．ｃｏｍ'), accepted('example.com'));
      assert.deepEqual(normalizeDomain('example。com'), accepted('example.com'));
    });

    it('refuses an xn-- label that is not valid punycode', () => {
      assert.deepEqual(
        normalizeDomain('xn--zz.com'),
        refused('is not a valid internationalized domain name'),
      );
    });
  });

  describe('refuses what is not a website domain', () => {
    it('refuses empty input', () => {
      assert.deepEqual(normalizeDomain(''), EMPTY);
      assert.deepEqual(normalizeDomain('   '), EMPTY);
      assert.deepEqual(normalizeDomain('https://'), EMPTY);
      assert.deepEqual(normalizeDomain('https:///path'), EMPTY);
    });

    it('refuses e-mail addresses', () => {
      assert.deepEqual(normalizeDomain('ivan.petrov@romashka.ru'), EMAIL);
      assert.deepEqual(normalizeDomain(' Sales@Acme.com '), EMAIL);
      assert.deepEqual(normalizeDomain('mailto:sales@acme.com'), EMAIL);
      assert.deepEqual(normalizeDomain('MAILTO:sales@acme.com'), EMAIL);
      assert.deepEqual(normalizeDomain('продажи@пример.рф'), EMAIL);
    });

    it('refuses IPv4 and IPv6 addresses, including the forms URL parsers read as IPv4', () => {
      assert.deepEqual(normalizeDomain('192.168.0.1'), IP);
      assert.deepEqual(normalizeDomain('http://10.0.0.5:8080/crm'), IP);
      assert.deepEqual(normalizeDomain('http://[2001:db8::1]/'), IP);
      assert.deepEqual(normalizeDomain('2001:db8::1'), IP);
      assert.deepEqual(normalizeDomain('127.1'), IP);
      assert.deepEqual(normalizeDomain('0x7f.0.0.1'), IP);
      assert.deepEqual(normalizeDomain('１２７.０.０.１'), IP);
    });

    it('refuses a numeric top-level domain', () => {
      assert.deepEqual(
        normalizeDomain('acme.123'),
        refused('cannot end in a number; the last part must be a top-level domain such as .com or .ru'),
      );
    });

    it('refuses a single label such as localhost', () => {
      const reason = refused('needs a dot and a top-level domain, e.g. example.com');
      assert.deepEqual(normalizeDomain('localhost'), reason);
      assert.deepEqual(normalizeDomain('http://localhost:3000/'), reason);
      assert.deepEqual(normalizeDomain('romashka'), reason);
      assert.deepEqual(normalizeDomain('ромашка'), reason);
    });

    it('refuses empty labels', () => {
      const reason = refused('has an empty part between dots');
      assert.deepEqual(normalizeDomain('acme..com'), reason);
      assert.deepEqual(normalizeDomain('.acme.com'), reason);
      assert.deepEqual(normalizeDomain('acme.com..'), reason);
    });

    it('refuses bad characters and spaces', () => {
      assert.deepEqual(normalizeDomain('acme_corp.com'), BAD_CHARS);
      assert.deepEqual(normalizeDomain('acme!.com'), BAD_CHARS);
      assert.deepEqual(normalizeDomain('acme%2ecom.ru'), BAD_CHARS);
      assert.deepEqual(normalizeDomain('*.acme.com'), BAD_CHARS);
      assert.deepEqual(normalizeDomain('acme corp.com'), refused('contains spaces'));
    });

    it('refuses a label that starts or ends with a hyphen', () => {
      const reason = refused('has a part that starts or ends with a hyphen');
      assert.deepEqual(normalizeDomain('-acme.com'), reason);
      assert.deepEqual(normalizeDomain('acme-.com'), reason);
    });

    it('refuses a port that is not a number', () => {
      assert.deepEqual(normalizeDomain('acme.com:https'), refused('has an invalid port after the domain'));
    });

    it('accepts a 63-character label and refuses a 64-character one', () => {
      assert.deepEqual(normalizeDomain(`${'a'.repeat(63)}.com`), accepted(`${'a'.repeat(63)}.com`));
      assert.deepEqual(
        normalizeDomain(`${'a'.repeat(64)}.com`),
        refused('has a part longer than 63 characters'),
      );
    });

    it('measures label length on the punycode form', () => {
      // 60 Cyrillic letters fit in 63 as Unicode, but punycode spends at least one ASCII
      // character per non-ASCII letter: 'xn--' + 60 or more = over 63.
      assert.deepEqual(
        normalizeDomain(`${'абвгдежзий'.repeat(6)}.рф`),
        refused('has a part longer than 63 characters'),
      );
    });

    it('accepts 253 characters in total and refuses 255', () => {
      // 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253
      const longest = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
      assert.equal(longest.length, 253);
      assert.deepEqual(normalizeDomain(longest), accepted(longest));
      // 63·4 + 3 dots = 255
      const tooLong = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
      assert.deepEqual(normalizeDomain(tooLong), refused('is longer than 253 characters'));
    });
  });
});

describe('displayDomain', () => {
  it('shows punycode as Unicode', () => {
    assert.equal(displayDomain('xn--e1afmkfd.xn--p1ai'), 'пример.рф');
    assert.equal(displayDomain('xn--mnchen-3ya.de'), 'münchen.de');
  });

  it('leaves an ASCII domain as it is', () => {
    assert.equal(displayDomain('acme.com'), 'acme.com');
  });

  it('round-trips with normalizeDomain', () => {
    const normalized = normalizeDomain('Пример.РФ');
    assert.ok(normalized.ok);
    assert.equal(displayDomain(normalized.value), 'пример.рф');
  });

  it('returns input it cannot decode unchanged rather than an empty string', () => {
    assert.equal(displayDomain('xn--zz.com'), 'xn--zz.com');
  });
});
