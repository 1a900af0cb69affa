import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from './domain-error';
import { idempotentRequest, replayedRequest, requestIdProblem, requestMetadata } from './idempotency';
import { uuidV5 } from './ids';

const NS = '6f6b0f0e-5d3a-4c55-9a53-7d1b5c0de001';
const event = (streamVersion: number, metadata: Record<string, unknown>) => ({
  streamVersion,
  type: 'Something',
  data: {},
  metadata: { actor: 'user:1', ...metadata },
});

describe('idempotent requests', () => {
  it('a key gives the same id for the same caller and namespace (as RegisterDeal derived it), another for another caller', () => {
    const a = idempotentRequest('k-1', { namespace: NS, scope: ['P1'], body: { x: 1 } })!;
    assert.equal(a.id, uuidV5('P1|k-1', NS));
    assert.equal(idempotentRequest('k-1', { namespace: NS, scope: ['P1'], body: { x: 2 } })!.id, a.id);
    assert.notEqual(idempotentRequest('k-1', { namespace: NS, scope: ['P2'], body: { x: 1 } })!.id, a.id);
    assert.equal(idempotentRequest(undefined, { namespace: NS, scope: ['P1'], body: {} }), undefined);
    // Key order and undefined members do not change the body's hash.
    assert.equal(
      idempotentRequest('k', { namespace: NS, scope: [], body: { a: 1, b: 2, c: undefined } })!.hash,
      idempotentRequest('k', { namespace: NS, scope: [], body: { b: 2, a: 1 } })!.hash,
    );
  });

  it('refuses keys that are empty, too long, not printable ASCII or padded, naming the field', () => {
    for (const bad of ['', 'x'.repeat(201), 'a\u0000b', '\u001b[31m', 'ключ', 'a\u202eb', ' k', 'k\t'])
      assert.ok(requestIdProblem(bad), JSON.stringify(bad));
    for (const ok of ['k', 'crm-sync 42', 'x'.repeat(200), '0b9f3c1e-8a4d-5e27-b6c3-5d2a7e9f1c40'])
      assert.equal(requestIdProblem(ok), undefined, ok);
    assert.throws(
      () => idempotentRequest('a\u0007', { namespace: NS, scope: [], body: {}, field: 'importId' }),
      (e: DomainError) => e.code === 'INVALID_ARGUMENT' && e.violations[0]!.field === 'importId',
    );
  });

  it('replays the events a request appended, refuses another body without echoing the key, and runs an unseen one', () => {
    const req = idempotentRequest('secret-key', { namespace: NS, scope: ['u'], body: { n: 1 } })!;
    const other = idempotentRequest('secret-key', { namespace: NS, scope: ['u'], body: { n: 2 } })!;
    const mine = requestMetadata(req);
    const history = [event(0, {}), event(1, mine), event(2, mine), event(3, {})];
    assert.deepEqual(
      replayedRequest(history, req, 'thing', 'within')!.map((e) => e.streamVersion),
      [1, 2],
    );
    assert.throws(
      () => replayedRequest(history, other, 'thing', 'within'),
      (e: DomainError) =>
        e.code === 'ALREADY_EXISTS' && /^requestId: /.test(e.message) && !e.message.includes('secret-key'),
    );
    assert.equal(replayedRequest([event(0, {})], req, 'thing', 'within'), null);
    // A stream the request created: the first event is the request's; older events had the hash only.
    assert.deepEqual(
      replayedRequest(
        [event(0, { requestHash: req.hash }), event(1, { requestHash: req.hash }), event(2, {})],
        req,
        'thing',
        'stream',
      )!.map((e) => e.streamVersion),
      [0, 1],
    );
    assert.equal(replayedRequest([], req, 'thing', 'stream'), null);
    assert.throws(() => replayedRequest([event(0, {})], req, 'thing', 'stream'), DomainError);
  });
});
