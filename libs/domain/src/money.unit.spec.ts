import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareDecimal,
  convert,
  fromMicros,
  isDecimal,
  isKnownCurrency,
  microsAsNumber,
  percentOf,
  toMicros,
} from './money';

describe('money: decimals as micro-units', () => {
  it('reads decimal strings into millionths and adds them without float error', () => {
    assert.equal(toMicros('1250.5'), 1_250_500_000n);
    assert.equal(toMicros('0.000001'), 1n);
    assert.equal(toMicros('0'), 0n);
    assert.equal(toMicros('0.1') + toMicros('0.2'), toMicros('0.3'));
  });

  it('reads amounts of up to 9 whole digits as exact numbers, and everything else as toMicros does', () => {
    assert.equal(microsAsNumber('1250.5'), 1_250_500_000);
    assert.equal(microsAsNumber('0.000001'), 1);
    assert.equal(microsAsNumber('999999999.999999'), 999_999_999_999_999);
    assert.ok(Number.isNaN(microsAsNumber('1000000000'))); // 10 whole digits: toMicros' BigInt path
    assert.equal(toMicros('1000000000.5'), 1_000_000_000_500_000n);
    assert.equal(toMicros('123456789012345.123456'), 123_456_789_012_345_123_456n);
    for (const bad of ['01', '1.', '.5', '-1', '1e3', '1.1234567', ' 1', '', '1,5', '0x10', '1.5 ', '00.5']) {
      assert.ok(Number.isNaN(microsAsNumber(bad)), bad);
      assert.throws(() => toMicros(bad), /not a decimal amount/, bad);
    }
    // The fast path agrees with the exact one on every shape of amount it takes.
    for (const v of ['0', '0.5', '7', '10.25', '123456789', '1.000001', '99.99', '5.100000', '42.0'])
      assert.equal(
        BigInt(microsAsNumber(v)),
        BigInt(v.split('.')[0]!) * 1_000_000n + BigInt((v.split('.')[1] ?? '').padEnd(6, '0')),
        v,
      );
  });

  it('writes micro-units with two to six decimals', () => {
    assert.equal(fromMicros(1_250_500_000n), '1250.50');
    assert.equal(fromMicros(0n), '0.00');
    assert.equal(fromMicros(1n), '0.000001');
    assert.equal(fromMicros(1_234_500n), '1.2345');
    assert.equal(fromMicros(123_456_789n), '123.456789');
    assert.equal(fromMicros(-1_500_000n), '-1.50');
    assert.equal(fromMicros(toMicros('999999999999.999999')), '999999999999.999999');
  });

  it('accepts only plain decimals with at most six decimals', () => {
    for (const good of ['0', '10', '1.5', '1250000.50', '1.123456']) assert.ok(isDecimal(good), good);
    for (const bad of ['01', '1.', '.5', '-1', '1e3', '1.1234567', ' 1', '', '1,5', 1.5, null])
      assert.ok(!isDecimal(bad), String(bad));
  });

  it('knows ISO 4217 currencies in upper case only', () => {
    for (const code of ['RUB', 'USD', 'EUR', 'KZT']) assert.ok(isKnownCurrency(code), code);
    for (const code of ['XXQ', 'ABC', 'rub', 'RUR', '']) assert.ok(!isKnownCurrency(code), code);
  });

  it('compares decimals by value, not as text', () => {
    assert.equal(compareDecimal('1.50', '1.5'), 0);
    assert.equal(compareDecimal('2', '10'), -1);
    assert.equal(compareDecimal('0.000001', '0'), 1);
  });
});

describe('money: derived amounts round half-up to the cent', () => {
  it('takes a percentage: 1 234 567.89 × 12.5 % = 154 320.98625 → 154 320.99', () => {
    assert.equal(percentOf('1234567.89', 12.5), '154320.99');
  });

  it('rounds an exact half cent up, and anything below it down', () => {
    assert.equal(percentOf('100.10', 5), '5.01'); // 5.005
    assert.equal(percentOf('0.01', 50), '0.01'); // 0.005
    assert.equal(percentOf('0.01', 49.99), '0.00'); // 0.004999
    assert.equal(percentOf('19.99', 7.5), '1.50'); // 1.49925
  });

  it('handles 0 %, 100 % and percentages that are not exact in binary', () => {
    assert.equal(percentOf('1000', 0), '0.00');
    assert.equal(percentOf('200', 100), '200.00');
    assert.equal(percentOf('1000', 0.1), '1.00');
    assert.equal(percentOf('300', 33.333333), '100.00'); // 99.999999
  });

  it('converts with a rate: 154 320.99 × 0.0105 = 1 620.370395 → 1 620.37', () => {
    assert.equal(convert('154320.99', '0.0105'), '1620.37');
    assert.equal(convert('1000', '92.5'), '92500.00');
    assert.equal(convert('100.00', '0.005'), '0.50');
    assert.equal(convert('1', '0.005'), '0.01'); // 0.005
    assert.equal(convert('0.004999', '1'), '0.00');
    assert.equal(convert('1', '0.000001'), '0.00');
  });
});
