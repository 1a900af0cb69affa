import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CertificationExpiryScheduler,
  partnerSummaryProjection,
  PartnersApplication,
  startPartnersGrpc,
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
    });
    const partnerSummary = new ProjectionRunner(runtime.db, runtime.bus, partnerSummaryProjection, { log });
    await partnerSummary.start();
    stops.push(() => partnerSummary.stop());
    const grpc = await startPartnersGrpc(partners, `${config.httpHost}:${config.grpcPort}`, log);
    stops.push(() => grpc.stop());
    const certificationExpiry = new CertificationExpiryScheduler(partners, runtime.db, log);
    certificationExpiry.start();
    stops.push(() => certificationExpiry.stop());

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
