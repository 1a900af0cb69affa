/**
 * Micro-benchmark of the per-row cost of name normalization (the mapping import calls it once a
 * row): ns per name for companyNameKeys over names like the mapping bench's CSV (half Cyrillic
 * with a legal form, half Latin). Run after a build:
 *   node libs/normalization/dist/bench/name-keys.bench.js [path to another build's index.js]
 */
import * as current from '../index';

interface NameKeying {
  companyNameKeys?: (name: string) => string[];
  companyNameKey: (name: string) => string;
}

const BASES = [
  'Ромашка',
  'Вектор',
  'Яндекс Маркет',
  'Acme Labs',
  'Müller Bau',
  'Северсталь',
  'Global Tech',
  'Хабр',
];

function names(count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = BASES[i % BASES.length]!;
    out.push(i % 2 ? `ООО «${base} ${i}»` : `${base} ${i} LLC`);
  }
  return out;
}

function measure(lib: NameKeying, input: readonly string[]): number {
  const keying = lib.companyNameKeys ?? ((name: string) => [lib.companyNameKey(name)]);
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += keying(input[i % input.length]!).length; // warm-up
  const best: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (const name of input) sink += keying(name).length;
    best.push(Number(process.hrtime.bigint() - start) / input.length);
  }
  if (sink < 0) console.log(sink);
  return Math.min(...best);
}

const input = names(100_000);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const other = process.argv[2] ? (require(process.argv[2]) as NameKeying) : undefined;
if (other) console.log(`other build: ${measure(other, input).toFixed(0)} ns/name`);
console.log(`this build:  ${measure(current, input).toFixed(0)} ns/name (companyNameKeys, 100,000 names)`);
