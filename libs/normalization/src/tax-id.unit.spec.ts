import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeTaxId, validateRussianInn } from './index';

const refused = (reason: string) => ({ ok: false, reason });
const LENGTH = 'must be 10 or 12 digits';
const CHECK = 'check digit does not match (not a valid INN)';

describe('validateRussianInn', () => {
  describe('10-digit INN of a legal entity (weights 2 4 10 3 5 9 4 6 8)', () => {
    it('accepts Sberbank, 7707083893', () => {
      // 7·2 + 7·4 + 0·10 + 7·3 + 0·5 + 8·9 + 3·4 + 8·6 + 9·8 = 14+28+0+21+0+72+12+48+72 = 267;
      // 267 mod 11 = 3 (264 = 24·11); 3 mod 10 = 3 = the 10th digit.
      assert.deepEqual(validateRussianInn('7707083893'), { ok: true, value: '7707083893' });
    });

    it('accepts Yandex, 7736207543', () => {
      // 14+28+30+18+10+0+28+30+32 = 190; 190 mod 11 = 3 (187 = 17·11) → 3.
      assert.deepEqual(validateRussianInn('7736207543'), { ok: true, value: '7736207543' });
    });

    it('accepts Kaspersky Lab, 7713140469', () => {
      // 14+28+10+9+5+36+0+24+48 = 174; 174 mod 11 = 9 (165 = 15·11) → 9.
      assert.deepEqual(validateRussianInn('7713140469'), { ok: true, value: '7713140469' });
    });

    it('accepts a sum divisible by 11, check digit 0: 7725123450', () => {
      // 14+28+20+15+5+18+12+24+40 = 176 = 16·11 → 0.
      assert.deepEqual(validateRussianInn('7725123450'), { ok: true, value: '7725123450' });
    });

    it('accepts a remainder of 10, which becomes check digit 0: 7725123490', () => {
      // 14+28+20+15+5+18+12+24+72 = 208; 208 mod 11 = 10 (198 = 18·11); 10 mod 10 = 0.
      assert.deepEqual(validateRussianInn('7725123490'), { ok: true, value: '7725123490' });
    });

    it('refuses Sberbank with the last digit off by one', () => {
      assert.deepEqual(validateRussianInn('7707083894'), refused(CHECK));
    });

    it('refuses two transposed digits (7707038893)', () => {
      // 14+28+0+21+0+27+32+48+72 = 242 = 22·11 → check 0, not 3.
      assert.deepEqual(validateRussianInn('7707038893'), refused(CHECK));
    });

    it('refuses the keyboard run 1234567890', () => {
      // 2+8+30+12+25+54+28+48+72 = 279; 279 mod 11 = 4 → check 4, not 0.
      assert.deepEqual(validateRussianInn('1234567890'), refused(CHECK));
    });
  });

  describe('12-digit INN of an individual / ИП (two check digits)', () => {
    it('accepts 500100732259', () => {
      // n11: 5·7 + 0·2 + 0·4 + 1·10 + 0·3 + 0·5 + 7·9 + 3·4 + 2·6 + 2·8
      //    = 35+0+0+10+0+0+63+12+12+16 = 148; 148 mod 11 = 5 (143 = 13·11) → 5 = 11th digit.
      // n12: 5·3 + 0·7 + 0·2 + 1·4 + 0·10 + 0·3 + 7·5 + 3·9 + 2·4 + 2·6 + 5·8
      //    = 15+0+0+4+0+0+35+27+8+12+40 = 141; 141 mod 11 = 9 (132 = 12·11) → 9 = 12th digit.
      assert.deepEqual(validateRussianInn('500100732259'), { ok: true, value: '500100732259' });
    });

    it('accepts a Moscow ИП, 770212345681', () => {
      // n11: 49+14+0+20+3+10+27+16+30+48 = 217; 217 mod 11 = 8 (209 = 19·11) → 8.
      // n12: 21+49+0+8+10+6+15+36+20+36+64 = 265; 265 mod 11 = 1 (264 = 24·11) → 1.
      assert.deepEqual(validateRussianInn('770212345681'), { ok: true, value: '770212345681' });
    });

    it('refuses a wrong 12th digit (500100732258)', () => {
      assert.deepEqual(validateRussianInn('500100732258'), refused(CHECK));
    });

    it('refuses a wrong 11th digit even when the 12th is what it was (500100732269)', () => {
      // n11 of 5001007322 is 5, the 11th digit given is 6.
      assert.deepEqual(validateRussianInn('500100732269'), refused(CHECK));
    });

    it('refuses a valid 10-digit INN padded with two zeros', () => {
      // 770708389300: n11 = 7·7+7·2+0+7·10+0+8·5+3·9+8·4+9·6+3·8 = 49+14+70+40+27+32+54+24 = 310;
      // 310 mod 11 = 2 (308 = 28·11) → 2, not 0.
      assert.deepEqual(validateRussianInn('770708389300'), refused(CHECK));
    });
  });

  describe('what people type', () => {
    it('ignores spaces, dashes and a non-breaking space', () => {
      assert.deepEqual(validateRussianInn(' 7707 083 893 '), { ok: true, value: '7707083893' });
      assert.deepEqual(validateRussianInn('77-07-083893'), { ok: true, value: '7707083893' });
      assert.deepEqual(validateRussianInn('5001\u00a0007322\u00a059'), { ok: true, value: '500100732259' });
    });

    it('refuses wrong lengths', () => {
      assert.deepEqual(validateRussianInn('770708389'), refused(LENGTH)); // 9
      assert.deepEqual(validateRussianInn('77070838931'), refused(LENGTH)); // 11
      assert.deepEqual(validateRussianInn('5001007322591'), refused(LENGTH)); // 13
      assert.deepEqual(validateRussianInn(''), refused(LENGTH));
      assert.deepEqual(validateRussianInn('   '), refused(LENGTH));
    });

    it('refuses letters, a label and other separators', () => {
      assert.deepEqual(validateRussianInn('77O7083893'), refused(LENGTH)); // Latin O for zero
      assert.deepEqual(validateRussianInn('ИНН 7707083893'), refused(LENGTH));
      assert.deepEqual(validateRussianInn('7707.083.893'), refused(LENGTH));
      assert.deepEqual(validateRussianInn('+7707083893'), refused(LENGTH));
    });

    it('refuses an all-zero placeholder although its checksum is 0', () => {
      // Every weighted sum is 0 → check digits 0: the checksum alone would accept it, and every
      // customer registered with the placeholder would "match" every other.
      assert.deepEqual(validateRussianInn('0000000000'), refused('cannot start with 00 (not a valid INN)'));
      assert.deepEqual(validateRussianInn('000000000000'), refused('cannot start with 00 (not a valid INN)'));
    });
  });
});

describe('normalizeTaxId', () => {
  it('validates an INN for RU, whatever the case and spacing of the country code', () => {
    const inn = { ok: true, value: { scheme: 'RU_INN', value: '7707083893' } };
    assert.deepEqual(normalizeTaxId('RU', '7707083893'), inn);
    assert.deepEqual(normalizeTaxId(' ru ', '7707 083 893'), inn);
  });

  it('passes the INN reason through for RU', () => {
    assert.deepEqual(normalizeTaxId('RU', '7707083894'), refused(CHECK));
    assert.deepEqual(normalizeTaxId('RU', 'DE123456789'), refused(LENGTH));
  });

  it('keeps other countries as OTHER, uppercased, without spaces, dashes and dots', () => {
    assert.deepEqual(normalizeTaxId('DE', 'de 123 456 789'), {
      ok: true,
      value: { scheme: 'OTHER', value: 'DE123456789' },
    });
    assert.deepEqual(normalizeTaxId('US', '12-3456789'), {
      ok: true,
      value: { scheme: 'OTHER', value: '123456789' },
    });
    assert.deepEqual(normalizeTaxId('FR', 'FR.40.303.265.045'), {
      ok: true,
      value: { scheme: 'OTHER', value: 'FR40303265045' },
    });
  });

  it('does not check INNs outside RU: a Kazakh BIN is just OTHER', () => {
    assert.deepEqual(normalizeTaxId('KZ', '990240001234'), {
      ok: true,
      value: { scheme: 'OTHER', value: '990240001234' },
    });
  });

  it('refuses other ids shorter than 2 or longer than 32, or with other characters', () => {
    const reason = refused('must be 2 to 32 letters or digits (spaces, dashes and dots are ignored)');
    assert.deepEqual(normalizeTaxId('DE', 'X'), reason);
    assert.deepEqual(normalizeTaxId('DE', ''), reason);
    assert.deepEqual(normalizeTaxId('DE', 'A'.repeat(33)), reason);
    assert.deepEqual(normalizeTaxId('DE', 'DE/123'), reason);
    assert.deepEqual(normalizeTaxId('GB', 'GB 123 456 789 #1'), reason);
    assert.deepEqual(normalizeTaxId('DE', 'A'.repeat(32)), {
      ok: true,
      value: { scheme: 'OTHER', value: 'A'.repeat(32) },
    });
  });

  it('refuses a country that is not a two-letter code', () => {
    const reason = refused('country must be a two-letter ISO 3166-1 code, e.g. RU or DE');
    assert.deepEqual(normalizeTaxId('RUS', '7707083893'), reason);
    assert.deepEqual(normalizeTaxId('', '7707083893'), reason);
    assert.deepEqual(normalizeTaxId('Р2', '7707083893'), reason);
  });
});
