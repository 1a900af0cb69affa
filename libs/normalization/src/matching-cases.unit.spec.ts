import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareCustomers, matchKeys, MATCHING_CASES } from './index';

describe('compareCustomers on the shared MATCHING_CASES table', () => {
  for (const c of MATCHING_CASES) {
    it(`${c.title}: ${c.sameness}, in both directions`, () => {
      const a = matchKeys(c.a);
      const b = matchKeys(c.b);
      assert.equal(compareCustomers(a, b).sameness, c.sameness);
      assert.equal(compareCustomers(b, a).sameness, c.sameness);
    });
  }

  it('a name-only match is possible and says it matched on the name', () => {
    const a = matchKeys({ name: 'Яндекс', country: 'RU' });
    const b = matchKeys({ name: 'Yandex', country: 'RU' });
    assert.deepEqual(compareCustomers(a, b), { sameness: 'possible', matchedOn: ['nameCountry'] });
  });

  it('a shared domain is the same company even with two INNs (a holding and its subsidiary)', () => {
    const a = matchKeys({ name: 'Яндекс', country: 'RU', domain: 'yandex-team.ru', taxId: '7736207543' });
    const b = matchKeys({ name: 'Яндекс', country: 'RU', domain: 'yandex-team.ru', taxId: '7713140469' });
    assert.deepEqual(compareCustomers(a, b), { sameness: 'same', matchedOn: ['domain', 'nameCountry'] });
  });
});
