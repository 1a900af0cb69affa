import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineStatements } from './projection';

describe('combineStatements', () => {
  it('leaves a single statement as it is', () => {
    const one = { sql: 'UPDATE t SET a = $1 WHERE id = $2', params: [1, 'x'] };
    assert.equal(combineStatements([one]), one);
  });

  it('makes each statement a part of one WITH and renumbers the parameters after the first', () => {
    const combined = combineStatements([
      { sql: 'INSERT INTO a SELECT $1, $2', params: ['p', 'q'] },
      { sql: 'UPDATE b SET x = $2 WHERE id = $1', params: ['id', 7] },
      {
        sql: 'INSERT INTO c VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        params: [...'abcdefghijk'],
      },
    ]);
    assert.equal(
      combined.sql,
      'WITH w0 AS (INSERT INTO a SELECT $1, $2),\n' +
        'w1 AS (UPDATE b SET x = $4 WHERE id = $3),\n' +
        'w2 AS (INSERT INTO c VALUES ($5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)) SELECT 1',
    );
    assert.deepEqual(combined.params, ['p', 'q', 'id', 7, ...'abcdefghijk']);
  });
});
