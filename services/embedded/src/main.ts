import { ConfigurationError } from '@prm/database';
import { loadConfig } from './config';
import { startPlatform } from './platform';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = (line: string) => console.log(`[prm] ${line}`);
  const platform = await startPlatform(config, log);
  log(`${platform.runtime.mode} mode; data in ${config.databaseUrl ? 'PostgreSQL' : config.dataDir}`);
  log(`health: ${platform.url}/health`);
  log(
    `gRPC: ${platform.grpcAddress} (prm.partners.v1, prm.deals.v1, prm.mapping.v1, prm.metrics.v1; health and reflection on)`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    console.error(`[prm] configuration error: ${error.message}`);
    process.exit(2);
  }
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    console.error(
      `[prm] ${e.message}: another process uses that port; set PORT to a free one (e.g. PORT=3001 npm start)`,
    );
    process.exit(2);
  }
  console.error('[prm] failed to start:', error);
  process.exit(1);
});
