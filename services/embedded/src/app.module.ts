import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { PlatformRuntime } from './runtime';

/** The embedded platform: one process, every service's module mounted on one runtime. */
@Module({})
export class AppModule {
  static register(runtime: PlatformRuntime): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController],
      providers: [{ provide: PlatformRuntime, useValue: runtime }],
      exports: [PlatformRuntime],
    };
  }
}
