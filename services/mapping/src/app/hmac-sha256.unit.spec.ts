import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Hmac64 } from './hmac-sha256';
import { MatchKeyHasher } from './match-key-hasher';

const ALPHABET = ['a', 'Z', '7', '.', '|', ' ', 'я', 'Ё', 'ü', 'ß', '€', '𝔘', '"', '\\'];

describe('Hmac64', () => {
  it('gives the first 8 bytes of HMAC-SHA256 for keys of every length, ASCII or not, under short and long secrets', () => {
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const secrets = ['0123456789abcdef', 'x'.repeat(64), 'секрет развёртывания, длиннее 64 байт: '.repeat(3)];
    for (const secret of secrets) {
      const hmac = new Hmac64(secret);
      const out = new Int32Array(2);
      for (let length = 0; length < 260; length++) {
        const text = Array.from({ length }, () => ALPHABET[rnd(ALPHABET.length)]).join('');
        hmac.digestInto(text, out, 0);
        const expected = createHmac('sha256', secret).update(text, 'utf8').digest();
        assert.deepEqual(
          [out[0], out[1]],
          [expected.readInt32BE(0), expected.readInt32BE(4)],
          `${length}: ${text}`,
        );
      }
    }
  });

  it('keeps the keys and the fingerprint lists were stored with', () => {
    const secret = 'test-deployment-secret-0123456789';
    const hasher = new MatchKeyHasher(secret);
    const hmac = (text: string) => createHmac('sha256', secret).update(text).digest();
    assert.equal(hasher.fingerprint, hmac('prm-mapping/fingerprint').subarray(0, 8).toString('hex'));
    const keys = new Int32Array(6);
    hasher.hashInto({ taxId: '7707083893', domain: 'acme.ru', nameCountry: 'ромашка|RU' }, keys, 0);
    const expected = [hmac('t:7707083893'), hmac('d:acme.ru'), hmac('n:ромашка|RU')].flatMap((d) => [
      d.readInt32BE(0),
      d.readInt32BE(4),
    ]);
    assert.deepEqual([...keys], expected);
  });
});
