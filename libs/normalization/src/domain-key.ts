import { getDomain } from 'tldts';
import { isFreeMailDomain } from './free-mail';

/**
 * Both sections of the Public Suffix List: the private section lists shared hosting and regional
 * suffixes under which every label is another owner (`acme.github.io`, `nalog.gov.ru`, `acme.spb.ru`);
 * with the ICANN section alone, all of `*.gov.ru` would be one company `gov.ru`. The input is
 * already a normalized host (normalizeDomain), so tldts neither parses nor validates it again.
 */
const PSL_OPTIONS = {
  allowPrivateDomains: true,
  extractHostname: false,
  detectIp: false,
  validateHostname: false,
  mixedInputs: false,
} as const;

/**
 * The registrable domain of a normalized domain by the Public Suffix List (via tldts):
 * `shop.acme.ru` → `acme.ru`, `m.acme.co.uk` → `acme.co.uk`, `hmrc.gov.uk` stays. `undefined`
 * when the domain is itself a public suffix (`co.uk`, `github.io`).
 */
export function registrableDomain(normalizedDomain: string): string | undefined {
  return getDomain(normalizedDomain, PSL_OPTIONS) ?? undefined;
}

/**
 * The domain a company is matched on: its registrable domain, or `undefined` when there is none
 * or it is a free-mail / public webmail domain (`gmail.com`, `corp.mail.ru` → `mail.ru`), which
 * names no company. Give it the `normalizeDomain` value.
 */
export function domainKey(normalizedDomain: string): string | undefined {
  if (isFreeMailDomain(normalizedDomain)) return undefined;
  const registrable = registrableDomain(normalizedDomain);
  if (registrable === undefined || isFreeMailDomain(registrable)) return undefined;
  return registrable;
}
