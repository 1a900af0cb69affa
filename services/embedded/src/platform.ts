import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startNestPlatform, type PlatformRuntime, type PlatformStart } from '@prm/runtime';
import { embeddedOptions } from './app.module';
import type { PlatformConfig } from './config';

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

/**
 * Boots the embedded platform — one Nest application with the four context modules — and its
 * HTTP server; used by main.ts and by tests. stop() closes the application (gRPC drains, the
 * workers stop, the database closes).
 */
export async function startPlatform(
  config: PlatformConfig,
  log: (line: string) => void = () => undefined,
): Promise<RunningPlatform> {
  return startNestPlatform(embeddedStart(config, log));
}

/** What startNestPlatform is given in embedded mode (main.ts and startPlatform). */
export function embeddedStart(config: PlatformConfig, log: (line: string) => void): PlatformStart {
  const hmacSecret =
    config.mappingHmacSecret ?? (config.databaseUrl ? undefined : embeddedSecret(config.dataDir));
  return {
    ...embeddedOptions(config, hmacSecret, log),
    http: { host: config.httpHost, port: config.httpPort },
  };
}
