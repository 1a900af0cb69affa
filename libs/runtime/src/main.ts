import { ConfigurationError } from '@prm/database';
import { startNestPlatform, type PlatformModuleOptions, type StartedPlatform } from './platform';

/** A service's (or the embedded platform's) whole start: what startNestPlatform needs. */
export type PlatformStart = PlatformModuleOptions & { http: { host: string; port: number } };

export interface MainOptions {
  /** The log prefix, e.g. "prm-deals". */
  name: string;
  /** Reads and checks the environment (throws ConfigurationError: exit code 2). */
  configure(env: NodeJS.ProcessEnv, log: (line: string) => void): PlatformStart | Promise<PlatformStart>;
  /** Starts the platform (default startNestPlatform). */
  start?(
    start: PlatformStart,
    log: (line: string) => void,
  ): Promise<Pick<StartedPlatform, 'url' | 'grpcAddress' | 'stop'>>;
  /** Shutdown must finish within this (default 9 s), or the process exits with code 1. */
  shutdownTimeoutMs?: number;
}

/**
 * A main: configuration checked (a bad variable exits 2 naming it), the Nest application
 * started, SIGTERM/SIGINT handled by closing it (gRPC stops taking calls and drains, workers
 * finish their batch and commit offsets, the database closes) and exiting 0.
 */
export function runMain(options: MainOptions): void {
  const log = (line: string) => console.log(`[${options.name}] ${line}`);
  const main = async () => {
    const start = await options.configure(process.env, log);
    const platform = await (
      options.start ?? ((s, l) => startNestPlatform({ ...s, runtime: { ...s.runtime, log: l } }))
    )(start, log);
    log(`health: ${platform.url}/health/ready`);
    log(`gRPC: ${platform.grpcAddress}`);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping`);
      const timer = setTimeout(() => {
        console.error(`[${options.name}] shutdown did not finish in time; exiting`);
        process.exit(1);
      }, options.shutdownTimeoutMs ?? 9000);
      timer.unref();
      platform.stop().then(
        () => {
          log('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigurationError) {
      console.error(`[${options.name}] configuration error: ${error.message}`);
      process.exit(2);
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || /EADDRINUSE|No address added out of total/.test(String(e.message))) {
      console.error(
        `[${options.name}] ${e.message}: another process uses that port; set PORT / GRPC_PORT to a free one`,
      );
      process.exit(2);
    }
    console.error(`[${options.name}] failed to start:`, error);
    process.exit(1);
  });
}
