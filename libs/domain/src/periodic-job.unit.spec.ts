import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepDue } from './periodic-job';

describe('sweepDue', () => {
  it('runs every id in order, logs a failure without stopping, returns the ids that changed something', async () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const changed = await sweepDue(
      'expiry: deal',
      ['a', 'b', 'c', 'd'],
      async (id) => {
        ran.push(id);
        if (id === 'b') throw new Error('stream is gone');
        return { events: id === 'c' ? [] : [{}] };
      },
      (line) => lines.push(line),
    );
    assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
    assert.deepEqual(changed, ['a', 'd']);
    assert.deepEqual(lines, ['expiry: deal b: stream is gone']);
  });
});
