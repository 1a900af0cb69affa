/**
 * Deterministic account lists for tests: companies with valid INNs, domains (some IDN),
 * Cyrillic and Latin names, and CSV text the way CRMs export it.
 */

const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];

/** A valid 10-digit INN from a 9-digit body (region code not 00). */
export function inn10(body: number): string {
  const digits = String(770_000_000 + (body % 9_999_999))
    .split('')
    .map(Number);
  const check = (digits.reduce((s, d, i) => s + d * W10[i]!, 0) % 11) % 10;
  return digits.join('') + String(check);
}

/** The same INN with a wrong check digit. */
export const badInn = (inn: string): string => inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);

const SYLLABLES = [
  'ro',
  'ma',
  'shka',
  've',
  'ktor',
  'gra',
  'nit',
  'al',
  'fa',
  'bet',
  'ta',
  'mir',
  'do',
  'lin',
  'ka',
];
const CYR: Record<string, string> = {
  ro: 'ро',
  ma: 'ма',
  shka: 'шка',
  ve: 'ве',
  ktor: 'ктор',
  gra: 'гра',
  nit: 'нит',
  al: 'ал',
  fa: 'фа',
  bet: 'бет',
  ta: 'та',
  mir: 'мир',
  do: 'до',
  lin: 'лин',
  ka: 'ка',
};

export interface TestCompany {
  latin: string;
  cyrillic: string;
  domain: string;
  inn: string;
}

/** Company i: a unique made-up name (Latin and its Cyrillic spelling), domain and INN. */
export function company(i: number): TestCompany {
  const parts: string[] = [];
  let n = i + 1;
  while (n > 0) {
    parts.push(SYLLABLES[n % SYLLABLES.length]!);
    n = Math.floor(n / SYLLABLES.length);
  }
  const latin = parts.join('');
  const cyrillic = parts.map((p) => CYR[p]).join('');
  return {
    latin: latin.charAt(0).toUpperCase() + latin.slice(1),
    cyrillic: cyrillic.charAt(0).toUpperCase() + cyrillic.slice(1),
    domain: `${latin}-${i}.example`,
    inn: inn10(100_000 + i * 7),
  };
}

export function csvField(value: string): string {
  return /[",\r\n;]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csv(rows: ReadonlyArray<ReadonlyArray<string>>, eol = '\r\n'): string {
  return rows.map((r) => r.map(csvField).join(',')).join(eol) + eol;
}

export interface BadRow {
  line: number;
  column: string;
  reason: RegExp;
}

/**
 * 1,000 data rows in the generic format, 20 of them bad in ten different ways; the good ones
 * are companies 0..979 with populations cycling customer, opportunity, prospect.
 */
export function thousandRowsWithTwentyBad(): { text: string; bad: BadRow[]; good: number } {
  const rows: string[][] = [['name', 'domain', 'tax_id', 'country', 'population']];
  const bad: BadRow[] = [];
  const pops = ['customer', 'opportunity', 'prospect'];
  const kinds: Array<(c: TestCompany) => { row: string[]; column: string; reason: RegExp }> = [
    (c) => ({
      row: [c.latin, c.domain, badInn(c.inn), 'RU', 'customer'],
      column: 'tax_id',
      reason: /check digit/,
    }),
    (c) => ({
      row: [c.latin, c.domain, c.inn, 'RU', 'Partner'],
      column: 'population',
      reason: /unknown population "Partner"/,
    }),
    (c) => ({ row: [c.latin, c.domain, c.inn, 'RU', ''], column: 'population', reason: /is empty/ }),
    (c) => ({
      row: [c.latin, `info@${c.domain}`, c.inn, 'RU', 'prospect'],
      column: 'domain',
      reason: /e-mail/,
    }),
    (c) => ({
      row: [c.latin, c.domain, c.inn, 'RU', 'customer', 'extra'],
      column: '',
      reason: /has 6 fields but the header has 5/,
    }),
    (c) => ({ row: [c.latin, c.domain, c.inn], column: '', reason: /has 3 fields but the header has 5/ }),
    (c) => ({
      row: [c.latin, c.domain, '', 'Atlantis', 'customer'],
      column: 'country',
      reason: /unknown country "Atlantis"/,
    }),
    (c) => ({
      row: [c.latin, 'gmail.com', '', '', 'customer'],
      column: 'name',
      reason: /no usable match key/,
    }),
    (c) => ({ row: [c.latin, '10.0.0.1', '', 'RU', 'opportunity'], column: 'domain', reason: /IP/i }),
    (c) => ({
      row: [c.latin, c.domain, '77070838', 'RU', 'customer'],
      column: 'tax_id',
      reason: /10 or 12 digits/,
    }),
  ];
  let good = 0;
  for (let i = 0; i < 1000; i++) {
    const line = i + 2;
    if (i % 50 === 25) {
      const k = bad.length % kinds.length;
      const { row, column, reason } = kinds[k]!(company(10_000 + i));
      rows.push(row);
      bad.push({ line, column, reason });
    } else {
      const c = company(good);
      rows.push([
        i % 2 ? `ООО «${c.cyrillic}»` : `${c.latin} LLC`,
        `https://www.${c.domain}/`,
        c.inn,
        'RU',
        pops[good % 3]!,
      ]);
      good++;
    }
  }
  return { text: csv(rows), bad, good };
}

/** Windows-1251 for Cyrillic and ASCII (enough for these tests). */
export function encode1251(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c >= 0x410 && c <= 0x44f) out.push(c - 0x410 + 0xc0);
    else if (ch === 'Ё') out.push(0xa8);
    else if (ch === 'ё') out.push(0xb8);
    else if (ch === '«') out.push(0xab);
    else if (ch === '»') out.push(0xbb);
    else throw new Error(`no Windows-1251 byte for ${ch}`);
  }
  return Buffer.from(out);
}
