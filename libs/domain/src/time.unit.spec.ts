import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isoTimeMs } from './time';
import { amountAsNumber } from './money';

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** isoTimeMs gives Date.parse's number for `value` (NaN included). */
const agreesWithDateParse = (value: string) =>
  assert.ok(Object.is(isoTimeMs(value), Date.parse(value)), value);

describe('isoTimeMs: ISO dates and UTC times to epoch milliseconds', () => {
  it('reads dates and times to the millisecond (hand-computed)', () => {
    assert.equal(isoTimeMs('1970-01-01'), 0);
    assert.equal(isoTimeMs('1970-01-02T00:00:00.001Z'), 86_400_001);
    // 2000-03-01 is day 11,017 (30 years of 365 days, 7 leap days up to 1999, then 31 + 29 days).
    assert.equal(isoTimeMs('2000-03-01T00:00:00.000Z'), 11_017 * 86_400_000);
    // 2024-02-29 is day 19,782; one millisecond before the next midnight.
    assert.equal(isoTimeMs('2024-02-29T23:59:59.999Z'), 19_783 * 86_400_000 - 1);
    assert.equal(isoTimeMs('1969-12-31T23:59:59.999Z'), -1);
  });

  it('gives Date.parse’s number for every date and time of years 0000–9999', () => {
    const next = random(2026);
    for (let i = 0; i < 20_000; i++) {
      const year = Math.floor(next() * 10_000);
      const month = 1 + Math.floor(next() * 12);
      const day = 1 + Math.floor(next() * 31); // past the month's end too: those go to Date.parse
      const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
      const time = `${date}T${pad(Math.floor(next() * 24), 2)}:${pad(Math.floor(next() * 60), 2)}:${pad(
        Math.floor(next() * 60),
        2,
      )}.${pad(Math.floor(next() * 1000), 3)}Z`;
      agreesWithDateParse(date);
      agreesWithDateParse(time);
    }
    [
      '1600-02-29',
      '1900-02-28',
      '1900-02-29',
      '2000-02-29',
      '2100-02-29',
      '0000-01-01',
      '9999-12-31',
    ].forEach(agreesWithDateParse);
  });

  it('leaves every other shape to Date.parse, NaN included', () => {
    [
      '2025-03-14T09:30:00Z',
      '2025-03-14T09:30:00.000+02:00',
      '2025-03-14T24:00:00.000Z',
      '2025-03-14T09:60:00.000Z',
      '2025-13-01',
      '2025-00-10',
      '2025-02-30',
      '2025-3-14',
      '2025/03/14',
      '20a5-03-14',
      '2025-03-14T09:30:00.00aZ',
      '+002025-03-14T09:30:00.000Z',
      '2025-03-14 09:30:00.000Z',
      'yesterday',
      '',
    ].forEach(agreesWithDateParse);
  });
});

describe('amountAsNumber: a contract decimal as a float', () => {
  it('is Number(value) for every amount, fast path or not', () => {
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      const whole = String(Math.floor(next() * 10 ** Math.floor(next() * 12)));
      const digits = Math.floor(next() * 7);
      const fraction = digits ? `.${pad(Math.floor(next() * 10 ** digits), digits)}` : '';
      const value = whole + fraction;
      assert.ok(Object.is(amountAsNumber(value), Number(value)), value);
    }
    for (const v of ['0', '0.1', '0.000001', '999999999.999999', '1000000000.5', '0.3', '2943267.00'])
      assert.ok(Object.is(amountAsNumber(v), Number(v)), v);
    assert.equal(amountAsNumber('1250.5'), 1250.5);
  });
});
