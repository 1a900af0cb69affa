import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COUNTRY_CODE_COUNT, isCountryCode } from './country';

describe('isCountryCode', () => {
  it('knows the 249 officially assigned ISO 3166-1 alpha-2 codes', () => {
    assert.equal(COUNTRY_CODE_COUNT, 249);
    for (const code of ['RU', 'DE', 'US', 'KZ', 'BY', 'AX', 'SS', 'CW']) assert.ok(isCountryCode(code), code);
  });

  it('refuses pseudo, reserved and withdrawn codes that Intl.DisplayNames still names', () => {
    for (const code of [
      'ZZ',
      'EU',
      'UN',
      'QO',
      'EZ',
      'XA',
      'UK',
      'SU',
      'DD',
      'YU',
      'CS',
      'AN',
      'XK',
      'ru',
      '',
    ]) {
      assert.equal(isCountryCode(code), false, code);
    }
  });
});
