import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Headers,
  HttpStatus,
  Inject,
  Module,
  NotFoundException,
  Res,
  UnauthorizedException,
  type DynamicModule,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PlatformRuntime } from './runtime';

/** What anyone may see: the process answers, and whether it can serve. Nothing about its internals. */
export interface ReadinessReport {
  status: 'ok' | 'degraded' | 'starting' | 'down';
}

/** For operators only (GET /health/details with the operator token). */
export interface HealthReport extends ReadinessReport {
  mode: 'embedded' | 'distributed';
  uptimeSeconds: number;
  checks: Record<string, { status: 'up' | 'down'; detail?: string }>;
  eventStore: { adapter: string; headPosition: string | null };
  /** The relay furthest behind (distributed mode). */
  outboxRelay?: { checkpoint: string | null; lag: string | null };
  /** Each context's relay. */
  outboxRelays?: Record<string, { checkpoint: string | null; lag: string | null }>;
  /** Workers readiness waits for (projection runners, consumers) and whether they run. */
  workers: Record<string, 'started' | 'not started'>;
}

export interface HealthOptions {
  /**
   * Bearer token of GET /health/details; unset: the details endpoint is off. /health,
   * /health/live and /health/ready show no internals.
   */
  operatorToken?: string;
}

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

/** The bearer token equals the operator token (compared in constant time). */
function isOperator(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const statusCode = (status: ReadinessReport['status']) =>
  status === 'down' || status === 'starting' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;

@Controller('health')
export class HealthController {
  constructor(
    @Inject(PlatformRuntime) private readonly runtime: PlatformRuntime,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when the database answers and the migrations ran and every projection
   * runner and consumer has started; 503 otherwise (and while shutting down). Kafka being
   * down only degrades (commands still succeed through the outbox). No internals.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.report();
    reply.status(statusCode(report.status));
    return { status: report.status };
  }

  /** The same as /health/ready (kept for existing probes). */
  @Get()
  health(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    return this.ready(reply);
  }

  /**
   * The details (mode, database adapter, event-store head, relay checkpoints and lag, workers,
   * failure messages) for operators: `Authorization: Bearer $PRM_OPERATOR_TOKEN`; 401 without
   * it, 404 when the deployment sets no operator token.
   */
  @Get('details')
  async details(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HealthReport> {
    const token = this.options.operatorToken;
    if (!token) throw new NotFoundException('health details are off: set PRM_OPERATOR_TOKEN to turn them on');
    if (!isOperator(authorization, token)) throw new UnauthorizedException('the operator token is required');
    const report = await this.report();
    reply.status(statusCode(report.status));
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
    const workers: HealthReport['workers'] = {};
    for (const w of this.runtime.readiness) workers[w.name] = w.started ? 'started' : 'not started';
    const report: HealthReport = {
      status: checks.database.status !== 'up' ? 'down' : this.runtime.allStarted ? 'ok' : 'starting',
      mode: this.runtime.mode,
      uptimeSeconds: Math.round((Date.now() - this.runtime.startedAt.getTime()) / 1000),
      checks,
      eventStore: { adapter: this.runtime.store.adapter, headPosition: head?.toString() ?? null },
      workers,
    };
    if (this.runtime.relays.size > 0) {
      report.outboxRelays = {};
      let furthestBehind: bigint | undefined;
      for (const [context, relay] of this.runtime.relays) {
        try {
          const checkpoint = await relay.checkpoint();
          report.outboxRelays[context] = {
            checkpoint: checkpoint.toString(),
            lag: head === null ? null : (head - checkpoint).toString(),
          };
          if (furthestBehind === undefined || checkpoint < furthestBehind) furthestBehind = checkpoint;
        } catch (error) {
          checks[`outboxRelay:${context}`] = { status: 'down', detail: (error as Error).message };
          if (report.status === 'ok') report.status = 'degraded';
        }
      }
      if (furthestBehind !== undefined) {
        report.outboxRelay = {
          checkpoint: furthestBehind.toString(),
          lag: head === null ? null : (head - furthestBehind).toString(),
        };
        checks.outboxRelay = { status: 'up' };
      }
    }
    return report;
  }
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}
