import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  dealReadModelProjection,
  DealExpiryScheduler,
  DealsApplication,
  dealsGrpcBinding,
  partnerViewProjection,
} from '@prm/deals';
import { startGrpcServerFor } from '@prm/grpc';
import { MappingApplication, mappingGrpcBinding, mappingPartnerViewProjection } from '@prm/mapping';
import { MetricsApplication, metricsGrpcBinding } from '@prm/metrics';
import type { Quadrant } from '@prm/contracts';
import {
  CertificationExpiryScheduler,
  DealMilestonesConsumer,
  DormancyScheduler,
  partnerSummaryProjection,
  PartnersApplication,
  partnersGrpcBinding,
} from '@prm/partners';
import { ProjectionRunner } from '@prm/projections';
import { AppModule } from './app.module';
import { ProblemJsonFilter } from './problem-json.filter';
import type { PlatformConfig } from './config';
import { PlatformRuntime } from './runtime';

export interface RunningPlatform {
  runtime: PlatformRuntime;
  app: NestFastifyApplication;
  url: string;
  /** host:port of the gRPC server (prm.partners.v1 …). */
  grpcAddress: string;
  stop(): Promise<void>;
}

/**
 * Embedded mode's mapping secret: created once (32 random bytes, hex, mode 0600) beside the
 * data and reused, so privacy-mode hashes stay comparable across restarts.
 */
function embeddedSecret(dataDir: string): string {
  const path = join(dataDir, 'mapping-hmac.secret');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

/** Boots the runtime and the HTTP server; used by main.ts and by tests. */
export async function startPlatform(
  config: PlatformConfig,
  log: (line: string) => void = () => undefined,
): Promise<RunningPlatform> {
  const runtime = await PlatformRuntime.start(config, log);
  const stops: Array<() => Promise<void>> = [];
  try {
    const partners = await PartnersApplication.create(runtime.store, runtime.db, {
      pamCapacity: config.pamCapacity,
      reportingCurrency: config.reportingCurrency,
      dormantAfterDays: config.dormantAfterDays,
    });
    const deals = await DealsApplication.create(runtime.store, runtime.db, {
      reportingCurrency: config.reportingCurrency,
      log,
    });
    const metrics = await MetricsApplication.create(runtime.store, runtime.db, { log });
    const metricsRunner = await metrics.startProjection(runtime.bus);
    stops.push(() => metricsRunner.stop());
    metrics.startPublisher();
    stops.push(() => metrics.stopPublisher());
    // Each new day rescores every partner (windows move and quadrants age without events).
    metrics.startScoringClock();
    stops.push(() => metrics.stopScoringClock());
    // Deal acceleration ranks partners by their quadrant: a copy refreshed from the metrics read model.
    const quadrants = new Map<string, Quadrant>();
    const refreshQuadrants = async () => {
      const { points } = await metrics.quadrant({});
      quadrants.clear();
      for (const point of points) quadrants.set(point.partnerId, point.quadrant as Quadrant);
    };
    await refreshQuadrants();
    const quadrantTimer = setInterval(
      () => void refreshQuadrants().catch((e: unknown) => log(`quadrant refresh: ${(e as Error).message}`)),
      30_000,
    );
    quadrantTimer.unref();
    stops.push(async () => clearInterval(quadrantTimer));
    const mapping = await MappingApplication.create(runtime.store, runtime.db, {
      hmacSecret:
        config.mappingHmacSecret ?? (config.databaseUrl ? undefined : embeddedSecret(config.dataDir)),
      quadrantOf: (partnerId) => quadrants.get(partnerId),
      log,
    });
    for (const projection of [
      partnerSummaryProjection,
      partnerViewProjection,
      dealReadModelProjection,
      mappingPartnerViewProjection,
    ]) {
      const runner = new ProjectionRunner(runtime.db, runtime.bus, projection, { log });
      await runner.start();
      stops.push(() => runner.stop());
    }
    const milestones = new DealMilestonesConsumer(partners, runtime.bus, log);
    await milestones.start();
    stops.push(() => milestones.stop());
    const grpc = await startGrpcServerFor(
      `${config.httpHost}:${config.grpcPort}`,
      [
        partnersGrpcBinding(partners),
        dealsGrpcBinding(deals),
        mappingGrpcBinding(mapping),
        metricsGrpcBinding(metrics),
      ],
      log,
      { streamIdleTimeoutMs: config.uploadIdleTimeoutMs },
    );
    stops.push(() => grpc.stop());
    const certificationExpiry = new CertificationExpiryScheduler(partners, runtime.db, log);
    certificationExpiry.start();
    stops.push(() => certificationExpiry.stop());
    const dormancy = new DormancyScheduler(partners, runtime.db, log);
    dormancy.start();
    stops.push(() => dormancy.stop());
    const dealExpiry = new DealExpiryScheduler(deals, log);
    dealExpiry.start();
    stops.push(() => dealExpiry.stop());

    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register(runtime),
      new FastifyAdapter(),
      {
        logger: false,
      },
    );
    app.useGlobalFilters(new ProblemJsonFilter());
    await app.listen(config.httpPort, config.httpHost);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.httpPort;
    const url = `http://${config.httpHost}:${port}`;
    return {
      runtime,
      app,
      url,
      grpcAddress: `${config.httpHost}:${grpc.port}`,
      async stop() {
        await app.close();
        for (const stop of stops.reverse()) await stop();
        await runtime.stop();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await runtime.stop();
    throw error;
  }
}
