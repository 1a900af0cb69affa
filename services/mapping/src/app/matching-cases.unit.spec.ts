import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MATCHING_CASES, type CustomerIdentity } from '@prm/normalization';
import {
  appendPacked,
  appendVariants,
  deserializePacked,
  emptyPackedList,
  ListIndex,
  mapColumns,
  OverlapEngine,
  readAccountRow,
  serializePacked,
  type AccountRow,
  type PackedList,
} from '../domain';
import { toBatch } from './csv-batches';
import { MatchKeyHasher } from './match-key-hasher';

const SECRET = 'test-deployment-secret-0123456789';
const hasher = new MatchKeyHasher(SECRET);
const columns = mapColumns(['Name', 'Domain', 'INN', 'Country', 'Type']);

/** A CSV row of a customer record, read as the import reads it. */
function row(customer: CustomerIdentity, line: number, type = 'Customer'): AccountRow {
  const fields = [customer.name, customer.domain ?? '', customer.taxId ?? '', customer.country, type];
  const { row, errors } = readAccountRow(fields, line, columns);
  assert.deepEqual(errors, [], JSON.stringify(customer));
  return row!;
}

/** Rows → the packed list the import builds (the same hashing, variants included). */
function pack(rows: readonly AccountRow[]): PackedList {
  const batch = toBatch(rows, hasher, false);
  const list = emptyPackedList();
  for (let i = 0; i < batch.count; i++)
    appendPacked(list, rows[i]!.population, batch.keys.subarray(i * 6, i * 6 + 6));
  for (let e = 0; e < (batch.variantRow?.length ?? 0); e++)
    appendVariants(list, batch.variantRow![e]!, batch.variantKeys!.subarray(e * 2, e * 2 + 2));
  return list;
}

function overlap(vendor: readonly AccountRow[], partner: readonly AccountRow[], partitioned = false) {
  const engine = new OverlapEngine(ListIndex.build(pack(vendor), { tables: true }));
  const partnerIndex = ListIndex.build(pack(partner));
  return partitioned ? engine.computeAll([partnerIndex])[0]! : engine.compute(partnerIndex);
}

describe('the mapping overlap engine on the shared MATCHING_CASES table (the rule deals uses too)', () => {
  for (const c of MATCHING_CASES) {
    const linked = c.sameness !== 'none';
    it(`${c.title}: ${linked ? 'one overlap' : 'no overlap'}, from either side, probed either way`, () => {
      for (const partitioned of [false, true]) {
        assert.equal(overlap([row(c.a, 2)], [row(c.b, 2)], partitioned).matched, linked ? 1 : 0);
        assert.equal(overlap([row(c.b, 2)], [row(c.a, 2)], partitioned).matched, linked ? 1 : 0);
      }
      // In one list, the two records are one company exactly when they are linked.
      assert.equal(ListIndex.build(pack([row(c.a, 2), row(c.b, 3)])).companyCount, linked ? 1 : 2);
    });
  }
});

describe('several name keys an account', () => {
  const yandexCyrillic = { name: 'ООО «Яндекс»', country: 'RU' };
  const spellings = [
    { name: 'Yandex', country: 'RU' },
    { name: 'Yandeks', country: 'RU' },
    { name: 'Iandeks', country: 'RU' },
  ];

  it('a Cyrillic name carries its other spellings as variant keys', () => {
    assert.deepEqual(row(yandexCyrillic, 2).keys.nameVariants, ['yandex|RU', 'iandeks|RU']);
    assert.equal(row({ name: 'Acme LLC', country: 'RU' }, 2).keys.nameVariants, undefined);
  });

  it('counts an account that matches by several of its keys once (no double counting)', () => {
    // The vendor's Cyrillic account matches all three partner accounts, each by another key; the
    // partner's three are one company by none of their own keys: one group, counted once.
    for (const partitioned of [false, true]) {
      const r = overlap(
        [row(yandexCyrillic, 2)],
        spellings.map((s, i) => row(s, i + 2, 'Prospect')),
        partitioned,
      );
      assert.equal(r.matched, 1);
      assert.deepEqual(r.matchedOn, [0, 0, 1]);
      assert.equal(
        r.cells.reduce((a, b) => a + b, 0),
        1,
      );
      const back = overlap(
        spellings.map((s, i) => row(s, i + 2)),
        [row(yandexCyrillic, 2, 'Prospect')],
        partitioned,
      );
      assert.equal(back.matched, 1);
    }
  });

  it('two vendor accounts (Cyrillic and Latin) of one company are one company', () => {
    assert.equal(ListIndex.build(pack([row(yandexCyrillic, 2), row(spellings[0]!, 3)])).companyCount, 1);
  });

  it('keeps the variants through the stored packed form', () => {
    const list = pack([row(yandexCyrillic, 2), row({ name: 'Acme', country: 'RU' }, 3)]);
    const back = deserializePacked(serializePacked(list));
    assert.equal(back.variants?.count, 2);
    assert.deepEqual([...back.variants!.account], [0, 0]);
    assert.deepEqual([...back.keys], [...list.keys.subarray(0, 12)]);
    assert.equal(
      deserializePacked(serializePacked(pack([row({ name: 'Acme', country: 'RU' }, 2)]))).variants,
      undefined,
    );
  });
});
