import { domainToASCII, domainToUnicode } from 'node:url';
import { accept, refuse, type Normalized } from './normalized';

const MAX_LABEL = 63;
const MAX_DOMAIN = 253;

/** Characters a host may be written with before IDN conversion: letters of any script, digits, '-', '.'. */
const HOST_CHARS = /^[\p{L}\p{M}\p{N}.-]+$/u;
const ASCII_LABEL = /^[a-z0-9-]+$/;
/** A last label WHATWG URL parsing would read as part of an IPv4 address (decimal or hex). */
const NUMERIC_LABEL = /^(?:\d+|0x[0-9a-f]*)$/;
/** `https://`, `ftp://`, and the scheme-relative `//`. */
const SCHEME = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;
/** Dots other than '.' that browsers accept as label separators (after NFKC only U+3002 is left). */
const IDEOGRAPHIC_DOT = /\u3002/g;

const EMAIL = 'looks like an e-mail address; give the website domain';

/**
 * The canonical website domain of a company: ASCII (punycode for IDN), lowercase, no scheme,
 * userinfo, port, path, query, fragment, leading `www.` or trailing dot.
 */
export function normalizeDomain(input: string): Normalized<string> {
  let rest = input.trim();
  if (rest === '') return refuse('is empty; give the website domain, e.g. example.com');
  if (/^mailto:/i.test(rest)) return refuse(EMAIL);

  const scheme = SCHEME.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const end = rest.search(/[/?#\\]/);
  let host = end === -1 ? rest : rest.slice(0, end);

  const at = host.lastIndexOf('@');
  if (at !== -1) {
    // Without a scheme, `name@host` is what people type for an e-mail; in a URL it is userinfo.
    if (!scheme) return refuse(EMAIL);
    host = host.slice(at + 1);
  }

  if (host.startsWith('[') || (host.match(/:/g) ?? []).length > 1) {
    return refuse('is an IP address; give the website domain');
  }
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!/^\d*$/.test(host.slice(colon + 1))) return refuse('has an invalid port after the domain');
    host = host.slice(0, colon);
  }

  // NFKC folds full-width letters, digits and dots the way UTS #46 does, so the checks below see
  // what domainToASCII would see.
  host = host.normalize('NFKC').replace(IDEOGRAPHIC_DOT, '.').toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return refuse('is empty; give the website domain, e.g. example.com');
  if (/\s/u.test(host)) return refuse('contains spaces');
  if (!HOST_CHARS.test(host)) {
    return refuse('contains characters not allowed in a domain (only letters, digits, hyphens and dots)');
  }

  const labels = host.split('.');
  if (labels.some((label) => label === '')) return refuse('has an empty part between dots');
  if (labels.length === 1) return refuse('needs a dot and a top-level domain, e.g. example.com');
  // Checked before domainToASCII, which would silently turn `127.1` or `1.2.3` into an IPv4 address.
  if (NUMERIC_LABEL.test(labels[labels.length - 1])) {
    return labels.every((label) => NUMERIC_LABEL.test(label))
      ? refuse('is an IP address; give the website domain')
      : refuse('cannot end in a number; the last part must be a top-level domain such as .com or .ru');
  }

  const ascii = domainToASCII(host);
  if (ascii === '') return refuse('is not a valid internationalized domain name');
  if (ascii.length > MAX_DOMAIN) return refuse(`is longer than ${MAX_DOMAIN} characters`);
  for (const label of ascii.split('.')) {
    if (label === '') return refuse('has an empty part between dots');
    if (!ASCII_LABEL.test(label)) {
      return refuse('contains characters not allowed in a domain (only letters, digits, hyphens and dots)');
    }
    if (label.length > MAX_LABEL) return refuse(`has a part longer than ${MAX_LABEL} characters`);
    if (label.startsWith('-') || label.endsWith('-'))
      return refuse('has a part that starts or ends with a hyphen');
  }

  // `www.com` is itself a registrable domain: `www.` goes only while a domain with a dot is left.
  // Stripping every leading `www.` keeps the function idempotent (`www.www.acme.com`).
  let domain = ascii;
  while (domain.startsWith('www.') && domain.indexOf('.', 4) !== -1) domain = domain.slice(4);
  return accept(domain);
}

/** A canonical (ASCII) domain for display: punycode labels back to Unicode; unchanged if it cannot be decoded. */
export function displayDomain(ascii: string): string {
  return domainToUnicode(ascii) || ascii;
}
