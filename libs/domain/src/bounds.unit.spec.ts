import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  amountBoundsProblem,
  checkRange,
  currencyMinorUnits,
  dateFilter,
  escapeLike,
  isCalendarDate,
  isDateTime,
  normalizeCurrency,
  requestBoundsViolations,
  textKindOf,
  textProblem,
  BOUNDS,
} from './bounds';
import { Violations } from './domain-error';

describe('bounds: one rule per field kind', () => {
  it('money: at most 15 whole digits and no more decimals than the currency has minor units', () => {
    assert.match(amountBoundsProblem('9'.repeat(5_000), 'RUB')!, /at most 15 whole digits/);
    assert.equal(amountBoundsProblem('999999999999999.99', 'RUB'), undefined);
    assert.match(amountBoundsProblem('10.001', 'RUB')!, /RUB has 2 decimals/);
    assert.equal(amountBoundsProblem('10.100000', 'RUB'), undefined); // trailing zeros are no decimals
    assert.match(amountBoundsProblem('100.5', 'JPY')!, /JPY has 0 decimals/);
    assert.equal(amountBoundsProblem('1.125', 'KWD'), undefined);
    assert.equal(currencyMinorUnits('KWD'), 3);
  });

  it('currency codes are normalized the same way everywhere: trimmed, upper-cased, known', () => {
    assert.equal(normalizeCurrency('rub'), 'RUB');
    assert.equal(normalizeCurrency(' usd '), 'USD');
    assert.equal(normalizeCurrency('XYZ'), undefined);
    assert.equal(normalizeCurrency('RUBX'), undefined);
  });

  it('self-reported numbers have ranges: 1e300, NaN and Infinity hours are refused', () => {
    for (const bad of [1e300, NaN, Infinity, -1]) {
      const v = new Violations();
      assert.equal(checkRange(v, 'hours', bad, BOUNDS.trainingHours), false, String(bad));
      assert.equal(v.all[0]!.field, 'hours');
    }
    assert.equal(checkRange(new Violations(), 'hours', 12.5, BOUNDS.trainingHours), true);
    assert.equal(checkRange(new Violations(), 'employeeCount', 2.5, BOUNDS.employeeCount, true), false);
  });

  it('dates: impossible dates are refused, not rolled over, and years stay within 1900–2199', () => {
    for (const bad of ['2026-02-30', '2026-13-45', '2025-02-29', '9999-12-31', '0001-01-01', '2026-2-3', ''])
      assert.equal(isCalendarDate(bad), false, bad);
    for (const good of ['2026-02-28', '2024-02-29', '2000-02-29', '1900-01-01', '2199-12-31'])
      assert.equal(isCalendarDate(good), true, good);
    assert.equal(isDateTime('2026-03-14T09:30:00.000Z'), true);
    assert.equal(isDateTime('2026-03-14T09:30Z'), true);
    assert.equal(isDateTime('2026-02-30T09:30:00.000Z'), false);
    assert.equal(isDateTime('2026-03-14T24:00:00Z'), false);
    const v = new Violations();
    assert.equal(dateFilter('2026-13-45', 'from', v), null);
    assert.deepEqual(
      v.all.map((x) => x.field),
      ['from'],
    );
    assert.equal(dateFilter('2026-03-31', 'to', v, true)!.toISOString(), '2026-03-31T23:59:59.999Z');
    assert.equal(dateFilter('', 'to', v), null);
  });

  it('text: control characters (but tab and newline in free text) and bidi overrides are refused', () => {
    assert.match(textProblem('a\u0000b', 'line')!, /control characters \(U\+0000 at 1\)/);
    assert.match(textProblem('\u001b[31mred', 'line')!, /U\+001B/);
    assert.match(textProblem('evil\u202etxt', 'line')!, /bidirectional/);
    assert.match(textProblem('two\nlines', 'line')!, /control/);
    assert.equal(textProblem('two\nlines\tand a tab', 'freeText'), undefined);
    assert.match(textProblem('bell\u0007', 'freeText')!, /control/);
    assert.match(textProblem('\ud800', 'line')!, /valid Unicode/);
    assert.equal(textProblem('Ünïcödé — 日本 😀', 'line'), undefined);
  });

  it('sizes: ids, one-line text, free text and lists each have a bound, and the field is named', () => {
    assert.equal(textKindOf('actor.id'), 'id');
    assert.equal(textKindOf('partnerId'), 'id');
    assert.equal(textKindOf('description'), 'freeText');
    assert.equal(textKindOf('customer.name'), 'line');
    const v = requestBoundsViolations({
      actor: { id: 'x'.repeat(201), role: 'pam' },
      customer: { name: 'ok' },
      products: Array.from({ length: 100_000 }, () => 'p'),
      description: 'd'.repeat(4_001),
      tags: ['fine', 'bad\u0000'],
      content: Buffer.from([0, 1, 2]),
    });
    assert.deepEqual(
      v.all.map((x) => x.field),
      ['actor.id', 'products', 'description', 'tags[1]'],
    );
    assert.match(v.all[1]!.reason, /at most 100 items \(got 100000\)/);
  });

  it('LIKE wildcards are escaped: "%" and "_" match themselves', () => {
    assert.equal(escapeLike('100%_a\\b'), '100\\%\\_a\\\\b');
  });
});
