import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ProblemJsonFilter } from './problem-json.filter';
import type { PlatformConfig } from './config';
import { PlatformRuntime } from './runtime';

export interface RunningPlatform {
  runtime: PlatformRuntime;
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

/** Boots the runtime and the HTTP server; used by main.ts and by tests. */
export async function startPlatform(
  config: PlatformConfig,
  log: (line: string) => void = () => undefined,
): Promise<RunningPlatform> {
  const runtime = await PlatformRuntime.start(config, log);
  try {
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
      async stop() {
        await app.close();
        await runtime.stop();
      },
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}
