import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BAD_REQUEST_TYPE_URL,
  decodeStatusDetails,
  encodeStatusDetails,
  protoFieldPath,
} from './rich-status';

describe('the standard rich error model (google.rpc.Status, google.rpc.BadRequest)', () => {
  it('names fields as the .proto does', () => {
    assert.equal(protoFieldPath('legalName'), 'legal_name');
    assert.equal(protoFieldPath('customer.estimatedValue.amount'), 'customer.estimated_value.amount');
    assert.equal(protoFieldPath('tiers[0].minDeals'), 'tiers[0].min_deals');
    assert.equal(protoFieldPath('idempotency-key'), 'idempotency-key');
    assert.equal(protoFieldPath('text'), 'text');
  });

  it('round-trips every violation, and encodes the wire bytes protoc would', () => {
    const bytes = encodeStatusDetails(3, 'legalName: must not be empty', [
      { field: 'legalName', reason: 'must not be empty' },
      { field: 'website', reason: 'is not a domain' },
    ]);
    assert.deepEqual(decodeStatusDetails(bytes), {
      code: 3,
      message: 'legalName: must not be empty',
      fieldViolations: [
        { field: 'legal_name', description: 'must not be empty' },
        { field: 'website', description: 'is not a domain' },
      ],
      detailTypes: [BAD_REQUEST_TYPE_URL],
    });
    // Status{code=3 (field 1, varint), message (field 2), details (field 3, Any{type_url=1, value=2})}.
    assert.equal(bytes[0], 0x08);
    assert.equal(bytes[1], 3);
    assert.equal(bytes[2], 0x12);
    const any = 4 + bytes[3]!;
    assert.equal(bytes[any], 0x1a, 'details follow the message');
    assert.equal(bytes.subarray(any).includes(Buffer.from(BAD_REQUEST_TYPE_URL)), true);
  });

  it('has no details without violations', () => {
    assert.deepEqual(decodeStatusDetails(encodeStatusDetails(5, 'no such deal', [])), {
      code: 5,
      message: 'no such deal',
      fieldViolations: [],
      detailTypes: [],
    });
  });
});
