import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Headers,
  HttpStatus,
  Inject,
  NotFoundException,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PlatformRuntime } from '../runtime';

/** What anyone may see: the process answers, and whether it can serve. Nothing about its internals. */
export interface ReadinessReport {
  status: 'ok' | 'degraded' | 'down';
}

/** For operators only (GET /health/details with the operator token). */
export interface HealthReport extends ReadinessReport {
  mode: 'embedded' | 'distributed';
  uptimeSeconds: number;
  checks: Record<string, { status: 'up' | 'down'; detail?: string }>;
  eventStore: { adapter: string; headPosition: string | null };
  outboxRelay?: { checkpoint: string | null; lag: string | null };
}

/** The bearer token equals the operator token (compared in constant time). */
function isOperator(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

@Controller('health')
export class HealthController {
  constructor(@Inject(PlatformRuntime) private readonly runtime: PlatformRuntime) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 when the database is unreachable; Kafka being down only degrades. No internals. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.report();
    reply.status(report.status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return { status: report.status };
  }

  /** The same as /health/ready (kept for existing probes). */
  @Get()
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    return this.ready(reply);
  }

  /**
   * The details (mode, database adapter, event-store head, relay checkpoint and lag, failure
   * messages) for operators: `Authorization: Bearer $PRM_OPERATOR_TOKEN`; 401 without it, 404
   * when the deployment sets no operator token.
   */
  @Get('details')
  async details(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthReport> {
    const token = this.runtime.config.operatorToken;
    if (!token) throw new NotFoundException('health details are off: set PRM_OPERATOR_TOKEN to turn them on');
    if (!isOperator(authorization, token)) throw new UnauthorizedException('the operator token is required');
    const report = await this.report();
    reply.status(report.status === 'down' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return report;
  }

  private async report(): Promise<HealthReport> {
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
    return report;
  }
}
