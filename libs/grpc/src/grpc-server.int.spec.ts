import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Client as RawClient,
  credentials,
  loadPackageDefinition,
  status,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { DomainError } from '@prm/domain';
import { ConcurrencyRetriesExhaustedError } from '@prm/event-store';
import { HEALTH_PROTO } from '@prm/testing';
import { fieldViolationsOf, richStatusOf } from './grpc-errors';
import { BAD_REQUEST_TYPE_URL } from './rich-status';
import { unaryClient, type UnaryClient } from './grpc-client';
import { PROTO_LOADER_OPTIONS, startGrpcServer, type RunningGrpcServer } from './grpc-server';

const protoDir = join(__dirname, '..', 'test-protos');
const healthProto = HEALTH_PROTO;
const reflectionProto = join(
  require.resolve('@grpc/reflection/package.json'),
  '..',
  'build',
  'proto',
  'grpc',
  'reflection',
  'v1',
  'reflection.proto',
);

describe('gRPC shell (real @grpc/grpc-js client and server)', () => {
  let running: RunningGrpcServer;
  let echo: UnaryClient;
  const logged: string[] = [];
  before(async () => {
    running = await startGrpcServer({
      address: '127.0.0.1:0',
      protoFiles: ['prm/test/v1/echo.proto'],
      includeDirs: [protoDir],
      log: (line) => logged.push(line),
      services: {
        'prm.test.v1.EchoService': {
          say(request: { text: string; mode: string }) {
            // Not async: a synchronous throw must be mapped like a rejection.
            if (request.mode === 'sync') throw DomainError.notFound('no such echo');
            return sayAsync(request);
          },
        },
      },
    });
    async function sayAsync(request: { text: string; mode: string }) {
      if (request.mode === 'invalid')
        throw DomainError.invalid([{ field: 'text', reason: 'must not be empty' }]);
      if (request.mode === 'precondition')
        throw DomainError.precondition('cannot move from prospect to enabled; allowed next: contacted', {
          allowedNext: ['contacted'],
        });
      if (request.mode === 'conflict') throw new ConcurrencyRetriesExhaustedError('partners.partner-1', 3);
      if (request.mode === 'bug') throw new Error('secret internal detail');
      return { text: `echo: ${request.text}` };
    }
    echo = unaryClient(
      `127.0.0.1:${running.port}`,
      'prm/test/v1/echo.proto',
      [protoDir],
      'prm.test.v1.EchoService',
    );
  });
  after(async () => {
    echo.close();
    await running.stop();
  });

  /** Sends raw bytes as a SayRequest: what a client with its own encoder can put on the wire. */
  const sayRaw = (bytes: Buffer) =>
    new Promise<{ code: number; fields: string[]; text?: string }>((resolve) => {
      const raw = new RawClient(`127.0.0.1:${running.port}`, credentials.createInsecure());
      raw.makeUnaryRequest(
        '/prm.test.v1.EchoService/Say',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        (error: ServiceError | null, response?: Buffer) => {
          raw.close();
          resolve(
            error
              ? { code: error.code, fields: fieldViolationsOf(error).map((v) => v.field) }
              : { code: status.OK, fields: [], text: response!.subarray(2).toString('utf8') },
          );
        },
      );
    });
  const textField = (bytes: Buffer) => Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);

  it('refuses invalid UTF-8 in a string field, naming it, instead of replacing the bytes', async () => {
    const bad = await sayRaw(textField(Buffer.from([0x68, 0x69, 0xff, 0xfe, 0xc3, 0x28])));
    assert.deepEqual(bad, { code: status.INVALID_ARGUMENT, fields: ['text'] });
    const good = await sayRaw(textField(Buffer.from('hï 😀', 'utf8')));
    assert.deepEqual(good, { code: status.OK, fields: [], text: 'echo: hï 😀' });
  });

  it('refuses a message that does not parse with INVALID_ARGUMENT, not INTERNAL', async () => {
    const garbage = await sayRaw(Buffer.from([0x0a, 0x7f, 0x01]));
    assert.deepEqual(garbage, { code: status.INVALID_ARGUMENT, fields: ['request'] });
  });

  it('refuses control characters, bidi overrides and oversized strings before the handler runs', async () => {
    for (const [text, field] of [
      ['a\u0000b', 'text'],
      ['\u001b[31mred', 'text'],
      ['evil\u202etxt', 'text'],
      ['x'.repeat(1_001), 'text'],
    ] as const)
      await assert.rejects(echo.call('say', { text }), (e: ServiceError) => {
        assert.equal(e.code, status.INVALID_ARGUMENT, JSON.stringify(text.slice(0, 20)));
        assert.deepEqual(
          fieldViolationsOf(e).map((v) => v.field),
          [field],
        );
        return true;
      });
  });

  it('serves a unary call', async () => {
    assert.deepEqual(await echo.call('say', { text: 'hi' }), { text: 'echo: hi' });
  });

  it('maps domain errors once: INVALID_ARGUMENT with the field, FAILED_PRECONDITION, ABORTED, and INTERNAL without internals', async () => {
    await assert.rejects(echo.call('say', { mode: 'invalid' }), (e: ServiceError) => {
      assert.equal(e.code, status.INVALID_ARGUMENT);
      assert.match(e.details, /text: must not be empty/);
      assert.deepEqual(fieldViolationsOf(e), [{ field: 'text', reason: 'must not be empty' }]);
      // The standard rich error model too (google.rpc.Status with a google.rpc.BadRequest).
      assert.deepEqual(richStatusOf(e), {
        code: status.INVALID_ARGUMENT,
        message: e.details,
        fieldViolations: [{ field: 'text', description: 'must not be empty' }],
        detailTypes: [BAD_REQUEST_TYPE_URL],
      });
      return true;
    });
    await assert.rejects(echo.call('say', { mode: 'precondition' }), (e: ServiceError) => {
      assert.equal(e.code, status.FAILED_PRECONDITION);
      assert.equal(richStatusOf(e)?.code, status.FAILED_PRECONDITION);
      assert.deepEqual(richStatusOf(e)?.fieldViolations, []);
      assert.match(e.details, /allowed next: contacted/);
      return true;
    });
    await assert.rejects(
      echo.call('say', { mode: 'conflict' }),
      (e: ServiceError) => e.code === status.ABORTED,
    );
    await assert.rejects(echo.call('say', { mode: 'bug' }), (e: ServiceError) => {
      assert.equal(e.code, status.INTERNAL);
      assert.doesNotMatch(e.details, /secret/);
      return true;
    });
    assert.ok(logged.some((l) => l.includes('secret internal detail')));
  });

  it('answers gRPC health checks, overall and per service', async () => {
    const health = unaryClient(`127.0.0.1:${running.port}`, healthProto, [], 'grpc.health.v1.Health');
    assert.deepEqual(await health.call('check', { service: '' }), { status: 'SERVING' });
    assert.deepEqual(await health.call('check', { service: 'prm.test.v1.EchoService' }), {
      status: 'SERVING',
    });
    await assert.rejects(
      health.call('check', { service: 'nope' }),
      (e: ServiceError) => e.code === status.NOT_FOUND,
    );
    health.close();
  });

  it('lists its services through server reflection', async () => {
    const pkg = loadPackageDefinition(loadSync(reflectionProto, PROTO_LOADER_OPTIONS)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const reflection: Client = new pkg.grpc.reflection.v1.ServerReflection(
      `127.0.0.1:${running.port}`,
      credentials.createInsecure(),
    );
    const stream = (
      reflection as unknown as {
        serverReflectionInfo(): NodeJS.ReadWriteStream & { write(o: object): void; end(): void };
      }
    ).serverReflectionInfo();
    const response = await new Promise<{ listServicesResponse: { service: Array<{ name: string }> } }>(
      (resolve, reject) => {
        stream.on('data', resolve);
        stream.on('error', reject);
        stream.write({ listServices: '' });
      },
    );
    stream.end();
    assert.ok(response.listServicesResponse.service.some((s) => s.name === 'prm.test.v1.EchoService'));
    reflection.close();
  });
});
