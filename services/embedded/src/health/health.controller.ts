import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PlatformRuntime } from '../runtime';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  mode: 'embedded' | 'distributed';
  uptimeSeconds: number;
  checks: Record<string, { status: 'up' | 'down'; detail?: string }>;
  eventStore: { adapter: string; headPosition: string | null };
  outboxRelay?: { checkpoint: string | null; lag: string | null };
}

@Controller('health')
export class HealthController {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness and a summary: 503 when the database is unreachable; Kafka being down only degrades. */
  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    let head: bigint | null = null;
    try {
      head = await this.runtime.store.headPosition();
      checks.database = { status: 'up', detail: `${this.runtime.db.kind}` };
    } catch (error) {
      checks.database = { status: 'down', detail: (error as Error).message };
    }
    const report: HealthReport = {
      status: checks.database.status === 'up' ? 'ok' : 'down',
      mode: this.runtime.mode,
      uptimeSeconds: Math.round((Date.now() - this.runtime.startedAt.getTime()) / 1000),
      checks,
      eventStore: { adapter: this.runtime.store.adapter, headPosition: head?.toString() ?? null },
    };
    if (this.runtime.relay) {
      try {
        const checkpoint = await this.runtime.relay.checkpoint();
        report.outboxRelay = {
          checkpoint: checkpoint.toString(),
          lag: head === null ? null : (head - checkpoint).toString(),
        };
        checks.outboxRelay = { status: 'up' };
      } catch (error) {
        checks.outboxRelay = { status: 'down', detail: (error as Error).message };
        if (report.status === 'ok') report.status = 'degraded';
      }
    }
    reply.status(report.status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return report;
  }
}
