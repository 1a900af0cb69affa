import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MicrosSum } from './money';

describe('MicrosSum: exact sums of money without a BigInt per add', () => {
  it('adds decimal amounts exactly', () => {
    const sum = new MicrosSum();
    for (const a of ['0.1', '0.2', '1250.5', '0.000001']) sum.addAmount(a);
    assert.equal(sum.micros, 1_250_800_001n);
  });

  it('stays exact past 2^53 micros (9,007,199,254.740992 units), where a float sum would not', () => {
    const sum = new MicrosSum();
    // 12 × 999,999,999.999999 is about 1.2 × 10^16 micros: the sum spills into its BigInt.
    for (let i = 0; i < 12; i++) sum.addAmount('999999999.999999');
    assert.equal(sum.micros, 12n * 999_999_999_999_999n);
    sum.addAmount('0.000001');
    assert.equal(sum.micros, 12n * 999_999_999_999_999n + 1n);
  });

  it('takes amounts too large for a number, and rejects what is not a decimal', () => {
    const sum = new MicrosSum();
    sum.addAmount('123456789012345.5');
    sum.addAmount('1');
    assert.equal(sum.micros, 123_456_789_012_346_500_000n);
    assert.throws(() => sum.addAmount('1e3'), /not a decimal amount/);
    assert.equal(sum.micros, 123_456_789_012_346_500_000n);
  });
});
