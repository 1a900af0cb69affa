import { DOMAINS } from 'free-email-domains-list/build/src/constants';

/**
 * Shared webmail domains: an address there says nothing about the company, so they are never
 * used as a company key (two unrelated customers who both wrote `gmail.com` would match).
 * The maintained list is the `free-email-domains-list` package (~97,000 free and disposable
 * mail domains, updated weekly); this set adds what it lacks (`narod.ru`, `mail.kz`, `почта.рф`)
 * and keeps the well-known ones checked even if the package dropped one.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // International
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.de',
  'yahoo.fr',
  'yahoo.co.jp',
  'ymail.com',
  'rocketmail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.de',
  'hotmail.fr',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'protonmail.com',
  'proton.me',
  'pm.me',
  'tutanota.com',
  'fastmail.com',
  'hey.com',
  'zoho.com',
  'mail.com',
  'email.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  't-online.de',
  'freenet.de',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'onet.pl',
  'interia.pl',
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'naver.com',
  // Russia and neighbours
  'mail.ru',
  'bk.ru',
  'inbox.ru',
  'list.ru',
  'internet.ru',
  'yandex.ru',
  'yandex.com',
  'yandex.by',
  'yandex.kz',
  'yandex.ua',
  'ya.ru',
  'narod.ru',
  'rambler.ru',
  'lenta.ru',
  'autorambler.ru',
  'myrambler.ru',
  'ro.ru',
  'qip.ru',
  'ngs.ru',
  'ukr.net',
  'i.ua',
  'meta.ua',
  'tut.by',
  'mail.kz',
  // Cyrillic IDN form of почта.рф, as normalizeDomain stores it
  'xn--80a1acny.xn--p1ai',
]);

/**
 * True for a shared webmail domain (`gmail.com`, `mail.ru`): never a company key. Give the
 * normalized domain; the comparison is exact (see `domainKey` for subdomains such as `corp.mail.ru`).
 */
export function isFreeMailDomain(normalizedDomain: string): boolean {
  return FREE_MAIL_DOMAINS.has(normalizedDomain) || DOMAINS.has(normalizedDomain);
}
