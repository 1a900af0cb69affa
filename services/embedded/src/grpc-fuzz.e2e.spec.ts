import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { loadProtoRoot, PROTO_ROOT } from '@prm/grpc';
import { DEALS_PROTO } from '@prm/deals';
import { MAPPING_PROTO } from '@prm/mapping';
import { METRICS_PROTO } from '@prm/metrics';
import { Field, Type, type Method, type Service } from 'protobufjs';
import { loadConfig } from './config';
import { startPlatform } from './platform';
import { createTestDatabase, skipUnlessPostgres } from '@prm/testing';

/*
 * A fuzzer over every method of every service the embedded platform serves, walked from the
 * .proto descriptors: each call gets generated edge values for its fields (empty, huge,
 * negative, NaN, control characters, invalid UTF-8 bytes, wrong ids, impossible dates, other
 * partners' ids) on top of plausible ones. It passes when no call answers INTERNAL or UNKNOWN,
 * the server still answers afterwards, no refused call appended an event (every call carries
 * its own correlation id; no stored event may carry a refused call's), and the heap returns to
 * its baseline. PRM_FUZZ_SEED and PRM_FUZZ_CALLS change the seed and the number of calls.
 */

const SEED = Number(process.env.PRM_FUZZ_SEED ?? 22);
const CALLS = Number(process.env.PRM_FUZZ_CALLS ?? 20_000);
const CONCURRENCY = 8;
const PROTOS = ['prm/partners/v1/partners.proto', DEALS_PROTO, MAPPING_PROTO, METRICS_PROTO];

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

/** Four bytes that stand for invalid UTF-8: replaced in the encoded message by 0xff 0xfe 0xc3 0x28. */
const BAD_UTF8_MARK = '\u0001\u0002\u0003\u0004';
const BAD_UTF8_BYTES = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
const MARK_BYTES = Buffer.from(BAD_UTF8_MARK);

const ROLES = ['vendor_admin', 'pam', 'partner_user', 'direct_sales', 'service', 'finance', 'nobody', ''];

interface Pools {
  partnerIds: string[];
}

function edgeString(rng: Rng, pools: Pools): string {
  return rng.pick([
    '',
    ' ',
    'x'.repeat(5_000),
    'a\u0000b',
    '\u001b[31mred\u001b[0m',
    'evil\u202etxt.exe',
    `name${BAD_UTF8_MARK}`,
    BAD_UTF8_MARK,
    '%',
    '_',
    '2026-02-30',
    '2026-13-45',
    '9999-12-31',
    '0000-00-00',
    '-1',
    'NaN',
    '1e300',
    '9'.repeat(5_000),
    '1.1234567',
    'rub',
    'not-a-uuid',
    randomUUID(),
    rng.pick(pools.partnerIds),
    "' OR 1=1 --",
    '😀'.repeat(3),
    '\ud800',
    'line\nbreak\ttab',
  ]);
}

/** A plausible value for a string field, from its name, so calls get past the first check. */
function plausibleString(name: string, rng: Rng, pools: Pools): string {
  const n = name.toLowerCase();
  if (n.endsWith('partnerid')) return rng.pick(pools.partnerIds);
  if (n === 'id' || n.endsWith('id')) return randomUUID();
  if (n.includes('currency') || n === 'from' || n === 'to')
    return rng.pick(['RUB', 'USD', 'EUR', 'rub', 'JPY']);
  if (n.includes('amount') || n === 'rate') return rng.pick(['1250.50', '1', '0.5', '1000000']);
  if (n.includes('country')) return rng.pick(['RU', 'DE', 'ru']);
  if (
    n.endsWith('on') ||
    n.includes('date') ||
    n.includes('from') ||
    n.includes('until') ||
    n.startsWith('as')
  )
    return rng.pick(['2026-03-14', '2026-02-28', '2025-12-31']);
  if (n.endsWith('at')) return '2026-03-14T09:30:00.000Z';
  if (n.includes('website') || n.includes('domain')) return 'acme.example';
  if (n.includes('taxid')) return rng.pick(['7707083893', 'DE129274202']);
  if (n === 'role') return rng.pick(ROLES);
  return rng.pick(['integrator', 'sourced', 'partner', 'qualified', 'A', 'Acme LLC', 'mid_market', 'note']);
}

function valueFor(field: Field, rng: Rng, pools: Pools, depth: number): unknown {
  const edge = rng.chance(0.3);
  if (field.repeated) {
    const count = rng.pick([0, 1, 2, edge ? 600 : 3]);
    return Array.from({ length: count }, () =>
      scalarOrMessage(field, rng, pools, depth, edge && rng.chance(0.5)),
    ).filter((item) => item !== undefined);
  }
  return scalarOrMessage(field, rng, pools, depth, edge);
}

function scalarOrMessage(field: Field, rng: Rng, pools: Pools, depth: number, edge: boolean): unknown {
  if (field.resolvedType instanceof Type)
    return depth > 3 || rng.chance(0.1) ? undefined : messageFor(field.resolvedType, rng, pools, depth + 1);
  switch (field.type) {
    case 'string':
      return edge ? edgeString(rng, pools) : plausibleString(field.name, rng, pools);
    case 'bytes':
      return edge
        ? Buffer.from([0xff, 0x00, 0xfe])
        : Buffer.from('name,country,domain\nAcme,RU,acme.example\n');
    case 'bool':
      return rng.chance(0.5);
    case 'double':
    case 'float':
      return edge ? rng.pick([NaN, Infinity, -Infinity, 1e300, -1, -0]) : rng.pick([0, 1, 12.5, 100]);
    case 'int64':
    case 'uint64':
    case 'sint64':
      return edge ? rng.pick([-1, 2 ** 53, 0]) : rng.pick([0, 1, 10]);
    default:
      return edge ? rng.pick([-1, 2_147_483_647, -2_147_483_648, 0]) : rng.pick([1, 10, 40, 3]);
  }
}

function messageFor(type: Type, rng: Rng, pools: Pools, depth = 0): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  const oneofFields = new Set<string>();
  for (const oneof of type.oneofsArray) {
    const chosen = rng.pick(oneof.fieldsArray);
    for (const f of oneof.fieldsArray) if (f !== chosen) oneofFields.add(f.name);
  }
  for (const field of type.fieldsArray) {
    if (oneofFields.has(field.name)) continue;
    if (field.name === 'actor' && field.resolvedType instanceof Type) continue;
    if (rng.chance(0.1)) continue;
    const value = valueFor(field, rng, pools, depth);
    if (value !== undefined) message[field.name] = value;
  }
  return message;
}

function actorFor(rng: Rng, pools: Pools, correlationId: string): Record<string, unknown> {
  const role = rng.pick(ROLES);
  return {
    id: rng.chance(0.15) ? edgeString(rng, pools) : `user:${rng.pick(['admin', 'pam-1', 'pam-2', 'rep'])}`,
    role,
    correlationId,
    partnerId:
      role === 'partner_user' || rng.chance(0.1)
        ? rng.chance(0.2)
          ? edgeString(rng, pools)
          : rng.pick(pools.partnerIds)
        : '',
  };
}

function encode(type: Type, message: Record<string, unknown>): Buffer {
  const bytes = Buffer.from(type.encode(type.fromObject(message)).finish());
  let at = bytes.indexOf(MARK_BYTES);
  while (at >= 0) {
    BAD_UTF8_BYTES.copy(bytes, at);
    at = bytes.indexOf(MARK_BYTES, at + MARK_BYTES.length);
  }
  return bytes;
}

interface Outcome {
  code: number;
  details: string;
}

function unary(client: Client, path: string, request: Buffer): Promise<Outcome> {
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      request,
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (error: ServiceError | null) =>
        resolve(error ? { code: error.code, details: error.details } : { code: status.OK, details: '' }),
    ),
  );
}

function clientStream(client: Client, path: string, messages: Buffer[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const call = client.makeClientStreamRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (error: ServiceError | null) =>
        resolve(error ? { code: error.code, details: error.details } : { code: status.OK, details: '' }),
    );
    for (const m of messages) call.write(m);
    call.end();
  });
}

const gc = (): void => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

const BATCHES = 4;

describe('gRPC fuzzer (embedded platform, every method of every service)', () => {
  const rng = prng(SEED);
  let dataDir: string;
  let testDb: Awaited<ReturnType<typeof createTestDatabase>> | null;
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let client: Client;
  let root: ReturnType<typeof loadProtoRoot>;
  const methods: Array<{ method: Method; path: string }> = [];
  const pools: Pools = { partnerIds: [randomUUID()] };
  const refused = new Set<string>();
  const counts = new Map<string, number>();
  const timeByMethod = new Map<string, number>();
  let sent = 0;
  let baseline = 0;

  before(async () => {
    console.log(`grpc-fuzz: seed ${SEED}, ${CALLS} calls (PRM_FUZZ_SEED, PRM_FUZZ_CALLS)`);
    dataDir = mkdtempSync(join(tmpdir(), 'prm-fuzz-'));
    // PostgreSQL where it runs (CI), else PGlite (or PRM_FUZZ_DB=pglite): the same platform either way.
    testDb =
      process.env.PRM_FUZZ_DB === 'pglite' || skipUnlessPostgres() !== false
        ? null
        : await createTestDatabase('fuzz');
    console.log(`grpc-fuzz: on ${testDb ? 'PostgreSQL' : 'PGlite'}`);
    platform = await startPlatform(
      loadConfig({
        PRM_DATA_DIR: dataDir,
        PORT: '0',
        GRPC_PORT: '0',
        // No demo data: the fuzzer registers the partners it aims at, and every command stays cheap.
        PRM_SEED_DEMO: 'false',
        ...(testDb ? { DATABASE_URL: testDb.url } : {}),
      }),
    );
    client = new Client(platform.grpcAddress, credentials.createInsecure());
    root = loadProtoRoot(PROTOS, [PROTO_ROOT]);
    const walk = (ns: { nestedArray: unknown[] }): void => {
      for (const nested of ns.nestedArray as Array<{ nestedArray?: unknown[]; methodsArray?: Method[] }>) {
        if (nested.methodsArray) {
          const service = nested as unknown as Service;
          for (const method of service.methodsArray)
            methods.push({ method, path: `/${service.fullName.slice(1)}/${method.name}` });
        }
        if (nested.nestedArray) walk(nested as { nestedArray: unknown[] });
      }
    };
    walk(root);
    // Real partners to aim at: ids that exist, so scope and "other partner" paths are reached.
    const registerType = root.lookupType('prm.partners.v1.RegisterPartnerRequest');
    for (const [name, taxId] of [
      ['Fuzz One GmbH', 'DE129274202'],
      ['Fuzz Two GmbH', 'DE136695976'],
    ] as const) {
      const done = await unary(
        client,
        '/prm.partners.v1.PartnersService/RegisterPartner',
        encode(registerType, {
          actor: { id: 'user:admin', role: 'vendor_admin', correlationId: randomUUID() },
          legalName: name,
          country: 'DE',
          website: `${name.split(' ')[1]!.toLowerCase()}.example`,
          taxId,
          type: 'integrator',
          employeeCount: 40,
          salesReps: 3,
        }),
      );
      assert.equal(done.code, status.OK, done.details);
    }
    for (const e of await platform.runtime.store.readAll({ limit: 100 }))
      if (e.type === 'PartnerRegistered') pools.partnerIds.push((e.data as { partnerId: string }).partnerId);
  });

  after(async () => {
    client?.close();
    await platform?.stop();
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const one = async (failures: string[]): Promise<void> => {
    const { method, path } = methods[sent % methods.length]!;
    sent++;
    const correlationId = randomUUID();
    const requestType = method.resolvedRequestType!;
    const message = messageFor(requestType, rng, pools);
    let outcome: Outcome;
    const callStarted = performance.now();
    if (method.requestStream) {
      const header = requestType.fields.header!.resolvedType as Type;
      const headerMessage = { ...messageFor(header, rng, pools), actor: actorFor(rng, pools, correlationId) };
      const chunks = Array.from({ length: rng.int(4) }, () =>
        encode(requestType, {
          data: scalarOrMessage(requestType.fields.data!, rng, pools, 0, rng.chance(0.3)),
        }),
      );
      outcome = await clientStream(client, path, [encode(requestType, { header: headerMessage }), ...chunks]);
    } else {
      if (requestType.fields.actor) message.actor = actorFor(rng, pools, correlationId);
      outcome = await unary(client, path, encode(requestType, message));
    }
    timeByMethod.set(path, (timeByMethod.get(path) ?? 0) + performance.now() - callStarted);
    const key = `${status[outcome.code]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (outcome.code !== status.OK) refused.add(correlationId);
    if (outcome.code === status.INTERNAL || outcome.code === status.UNKNOWN)
      failures.push(`${path} → ${key} ${outcome.details}: ${JSON.stringify(message).slice(0, 400)}`);
  };

  // The calls in a few batches, each its own test, so no one test nears the runner's timeout.
  for (let batch = 1; batch <= BATCHES; batch++) {
    const until = Math.round((CALLS * batch) / BATCHES);
    it(`batch ${batch}/${BATCHES}: generated calls up to ${until} over every method never answer INTERNAL or UNKNOWN`, async () => {
      if (batch === 1) assert.ok(methods.length > 40, `only ${methods.length} methods found`);
      const failures: string[] = [];
      const started = Date.now();
      const from = sent;
      const worker = async (): Promise<void> => {
        while (sent < until) {
          await one(failures);
          if (sent >= 1_000 && baseline === 0) {
            gc();
            baseline = process.memoryUsage().heapUsed;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      console.log(
        `grpc-fuzz: calls ${from + 1}-${sent} in ${((Date.now() - started) / 1000).toFixed(1)} s; so far ` +
          [...counts].map(([k, n]) => `${k} ${n}`).join(', '),
      );
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} calls answered INTERNAL or UNKNOWN`);
    });
  }

  it('afterwards the server still answers, no refused call appended an event, and the heap is back to its baseline', async () => {
    console.log(
      `grpc-fuzz: ${sent} calls over ${methods.length} methods; slowest (total ms): ${[...timeByMethod]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([m, ms]) => `${m.split('/')[2]} ${Math.round(ms)}`)
        .join(', ')}`,
    );
    assert.ok(sent >= CALLS, `only ${sent} of ${CALLS} calls were sent`);
    const alive = await unary(
      client,
      '/prm.partners.v1.PartnersService/GetPartner',
      encode(root.lookupType('prm.partners.v1.GetPartnerRequest'), {
        actor: { id: 'user:admin', role: 'vendor_admin' },
        partnerId: pools.partnerIds[1],
      }),
    );
    assert.equal(alive.code, status.OK, `a good call after the fuzzing: ${alive.details}`);

    // Every call carried its own correlation id: no stored event may carry a refused call's.
    let position = 0n;
    const leaked: string[] = [];
    for (;;) {
      const page = await platform.runtime.store.readAll({ after: position, limit: 1000 });
      if (page.length === 0) break;
      for (const e of page)
        if (refused.has((e.metadata as { correlationId?: string }).correlationId ?? ''))
          leaked.push(`${e.type} on ${e.streamId}`);
      position = page[page.length - 1]!.globalPosition;
    }
    assert.deepEqual(leaked.slice(0, 20), [], `${leaked.length} events appended by refused calls`);

    gc();
    const end = process.memoryUsage().heapUsed;
    console.log(
      `grpc-fuzz: heap ${(baseline / 2 ** 20).toFixed(1)} MiB after 1,000 calls, ${(end / 2 ** 20).toFixed(1)} MiB at the end`,
    );
    assert.ok(end < baseline + 64 * 2 ** 20, 'the heap did not return to its baseline');
  });
});
