import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { grpcServiceClient } from './grpc-service-client';
import { createTestDatabase, eventually, skipUnlessPostgresAndKafka, uniqueSuffix } from './infra';
import { startAlone } from './service-main-specs';

export interface SigtermUnderLoadOptions {
  /** e.g. 'deals'. */
  service: string;
  /** The compiled main (dist/main.js). */
  mainJs: string;
  /** The service's .proto (relative to protoRoot), its directory and the fully-qualified service. */
  protoFile: string;
  protoRoot: string;
  grpcService: string;
  /** The i-th call the clients make: its camelCase method and request. */
  call(i: number, suffix: string): { method: string; request: object };
  /**
   * After the service exited: every acknowledged call is stored (read from the service's own
   * database at databaseUrl). Queries have nothing to check.
   */
  checkStored?(
    databaseUrl: string,
    acknowledged: ReadonlyArray<{ i: number; response: unknown }>,
  ): Promise<void>;
  /** Acknowledged calls to wait for before SIGTERM (default 50). */
  before?: number;
}

/**
 * SIGTERM under load, for any service's main: 16 clients keep calling; the service is sent
 * SIGTERM in the middle. Every call it acknowledged is stored afterwards (nothing in flight is
 * lost), every other call was refused as UNAVAILABLE / CANCELLED (never INTERNAL), and the
 * process exits 0 within 10 s.
 */
export function describeSigtermUnderLoad(options: SigtermUnderLoadOptions): void {
  describe(`${options.service} service: SIGTERM under load`, { skip: skipUnlessPostgresAndKafka() }, () => {
    it('finishes or refuses every call in flight, loses none it acknowledged, exits 0 within 10 s', async (t) => {
      const db = await createTestDatabase(`${options.service}_sigterm`);
      const suffix = uniqueSuffix();
      const service = startAlone(options.mainJs, db.url);
      try {
        const url = await service.url;
        await eventually('ready', async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
        type Unary = (
          request: object,
          metadata: Metadata,
          callback: (error: (Error & { code?: number }) | null, response: unknown) => void,
        ) => void;
        const client = grpcServiceClient<Record<string, Unary>>(
          await service.grpcAddress,
          options.protoFile,
          options.grpcService,
          {
            keepCase: false,
            longs: String,
            enums: String,
            defaults: true,
            oneofs: true,
            includeDirs: [options.protoRoot],
          },
        );
        const acknowledged: Array<{ i: number; response: unknown }> = [];
        const refused = new Map<string, number>();
        let n = 0;
        let stopping = false;
        const worker = async () => {
          for (;;) {
            const i = n++;
            const { method, request } = options.call(i, suffix);
            const outcome = await new Promise<{ response?: unknown; code?: number }>((resolve) =>
              client[method]!.call(client, request, new Metadata(), (error, response) =>
                resolve(error ? { code: error.code ?? -1 } : { response }),
              ),
            );
            if (outcome.code === undefined) acknowledged.push({ i, response: outcome.response });
            else {
              const name = status[outcome.code] ?? String(outcome.code);
              refused.set(name, (refused.get(name) ?? 0) + 1);
              if (stopping) return;
            }
          }
        };
        const workers = Array.from({ length: 16 }, worker);
        await eventually(
          'calls acknowledged before SIGTERM',
          async () => acknowledged.length >= (options.before ?? 50),
          30_000,
          20,
        );
        stopping = true;
        const exit = await service.stop('SIGTERM');
        await Promise.all(workers);
        client.close();
        t.diagnostic(
          `${acknowledged.length} acknowledged, refused ${JSON.stringify(Object.fromEntries(refused))}, exit ${exit.code} after ${exit.afterMs} ms`,
        );
        assert.equal(exit.code, 0, service.output());
        assert.ok(exit.afterMs < 10_000, `exited ${exit.afterMs} ms after SIGTERM`);
        for (const code of refused.keys())
          assert.ok(
            ['UNAVAILABLE', 'CANCELLED'].includes(code),
            `a call failed with ${code}: ${[...refused]}`,
          );
        await options.checkStored?.(db.url, acknowledged);
      } finally {
        if (service.child.exitCode === null && service.child.signalCode === null)
          await service.stop('SIGKILL');
        await db.drop();
      }
    });
  });
}
