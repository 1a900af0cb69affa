import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMoney, fromMicros, moneyProblems, normalizeMoney, toMicros } from './money';

describe('money (exact decimals)', () => {
  it('converts decimal strings to millionths and back without floats', () => {
    assert.equal(toMicros('0.1') + toMicros('0.2'), toMicros('0.3'));
    assert.equal(toMicros('1250000.50'), 1_250_000_500_000n);
    assert.equal(fromMicros(toMicros('999999999999.999999')), '999999999999.999999');
    assert.equal(fromMicros(toMicros('380000')), '380000.00');
    assert.equal(formatMoney(toMicros('0.5'), 'RUB'), '0.50 RUB');
  });

  it('refuses what is not a contract decimal', () => {
    for (const bad of ['-1', '1e6', '01', '1.1234567', '', ' 1'])
      assert.throws(() => toMicros(bad), /not a decimal amount/, bad);
  });

  it('names the bad sub-fields of a money input', () => {
    assert.deepEqual(
      moneyProblems({ amount: '1,5', currency: 'rubles' }, 'amount').map((p) => p.field),
      ['amount.amount', 'amount.currency'],
    );
    // Lower case is normalized as in every context (issue 22), not refused: "rub" is RUB.
    assert.deepEqual(moneyProblems({ amount: '1.5', currency: 'rub' }, 'amount'), []);
    assert.deepEqual(normalizeMoney({ amount: '1.5', currency: 'rub' }), { amount: '1.5', currency: 'RUB' });
    assert.deepEqual(moneyProblems({ amount: '1.5', currency: 'RUB' }, 'amount'), []);
  });
});
