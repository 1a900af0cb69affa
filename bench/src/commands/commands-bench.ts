import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type GrpcObject } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '@prm/grpc';
import { createTestDatabase, type TestDatabase } from '@prm/testing';
import {
  log,
  percentile,
  processCpuSeconds,
  progress,
  round,
  runConcurrently,
  startCpuMeter,
  type CpuReport,
} from '../measure';

/**
 * Issue 15's commands benchmark: partners registered and walked through ten journey and
 * enablement commands each, over gRPC, by concurrent clients, against three servers started as
 * their own OS processes, one after the other in one run:
 *  - `nest`: the partners service from its main (services/partners/dist/main.js: NestJS, our
 *    gRPC host, its own PostgreSQL database, its outbox relay to Kafka, its projection,
 *    consumer and schedulers);
 *  - `bare`: a bare @grpc/grpc-js server calling the same application class with the same
 *    background work started by hand (bare-partners-server.ts), on its own database;
 *  - `embedded`: `npm start`'s process (services/embedded/dist/main.js: all four contexts on
 *    PGlite with the in-process bus), with fewer partners and 8 clients.
 * Every server runs with statements.ts preloaded: the SQL statements one command costs (the
 * command and what follows it in the process) are reported, with the most frequent ones.
 */

const REPO = resolve(__dirname, '..', '..', '..');
const STATEMENTS = join(__dirname, 'statements.js');
const SERVICE = 'prm.partners.v1.PartnersService';
const admin = { id: 'user:bench-admin', role: 'vendor_admin' };

export type Variant = 'nest' | 'bare' | 'embedded';

export interface CommandsBenchOptions {
  partners: number;
  clients: number;
  embeddedPartners: number;
  embeddedClients: number;
  variants: Variant[];
  /**
   * Rounds: each round runs every variant once, in turn (nest, bare, nest, bare, …), so
   * the peers see the same machine; a variant's figure is the median of its rounds and the
   * NestJS overhead the median of the per-round ratios (BENCH_REPEAT).
   */
  rounds: number;
}

const GOALS = {
  service: { commandsPerSecond: 2000, p99Ms: 20, nestOverheadPct: 15 },
  embedded: { commandsPerSecond: 500, p99Ms: 50 },
};

/** The ten commands after RegisterPartner, in order, for partner number k. */
function walk(k: number, partnerId: string): Array<[string, Record<string, unknown>]> {
  const p = { actor: admin, partnerId };
  return [
    ['advanceJourney', { ...p, stage: 'contacted' }],
    ['advanceJourney', { ...p, stage: 'agreement_signed' }],
    ['completeOnboardingStep', { ...p, step: 'contract' }],
    ['advanceJourney', { ...p, stage: 'onboarding' }],
    ['completeOnboardingStep', { ...p, step: 'questionnaire' }],
    ['completeOnboardingStep', { ...p, step: 'demo_access' }],
    ['assignPam', { ...p, pamId: `user:pam-${k % 500}` }],
    [
      'grantCertification',
      {
        ...p,
        certificationId: randomUUID(),
        certificationCode: 'crm-admin',
        certificationName: 'CRM Administrator',
        holderId: `person-${k}`,
        grantedOn: '2026-11-01',
        expiresOn: '2028-11-01',
      },
    ],
    [
      'recordTraining',
      {
        ...p,
        trainingCode: 'crm-101',
        trainingName: 'CRM basics',
        attendeeId: `person-${k}`,
        hours: 4,
        completedAt: '2026-11-02T10:00:00Z',
        requestId: `training-${partnerId}`,
      },
    ],
    [
      'allocateMdf',
      {
        ...p,
        allocationId: randomUUID(),
        amount: { amount: '10000.00', currency: 'EUR' },
        validFrom: '2026-01-01',
        validUntil: '2027-12-31',
        purpose: 'Joint campaign',
      },
    ],
  ];
}

function registration(k: number, partnerId: string): Record<string, unknown> {
  return {
    actor: admin,
    partnerId,
    legalName: `Bench Partner ${k} GmbH`,
    country: 'DE',
    region: 'EMEA',
    website: `https://www.bench-partner-${k}.example/`,
    // Unique per partner (another partner's tax id would be a duplicate): DE + nine digits.
    taxId: `DE${String(100_000_000 + (parseInt(partnerId.slice(0, 8), 16) % 900_000_000))}`,
    type: 'integrator',
    employeeCount: 50 + (k % 400),
    salesReps: 5 + (k % 20),
    specializations: ['crm'],
    clientSegments: ['mid_market'],
    industries: ['manufacturing'],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface StatementCounts {
  total: number;
  byStatement: Record<string, number>;
  /** Time until each statement's answer, summed (ms). */
  msByStatement: Record<string, number>;
}

interface RunningServer {
  child: ChildProcess;
  grpcAddress: string;
  statements(): Promise<StatementCounts>;
  stop(): Promise<number | null>;
}

async function startServer(variant: Variant, db: TestDatabase | undefined): Promise<RunningServer> {
  const grpcPort = await freePort();
  const httpPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRPC_PORT: String(grpcPort),
    PORT: String(httpPort),
    HOST: '127.0.0.1',
    PRM_PAM_CAPACITY: '100',
    KAFKA_GROUP_PREFIX: `bench-${variant}-${Date.now()}`,
  };
  let script: string;
  if (variant === 'embedded') {
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    env.PRM_DATA_DIR = mkdtempSync(join(tmpdir(), 'prm-bench-embedded-'));
    env.PRM_SEED_DEMO = 'false';
    script = join(REPO, 'services', 'embedded', 'dist', 'main.js');
  } else {
    env.DATABASE_URL = db!.url;
    env.KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
    script =
      variant === 'nest'
        ? join(REPO, 'services', 'partners', 'dist', 'main.js')
        : join(__dirname, 'bare-partners-server.js');
  }
  const child = fork(script, [], {
    cwd: REPO,
    env,
    execArgv: [
      '--max-old-space-size=4096',
      '--require',
      STATEMENTS,
      // BENCH_SERVER_PROFILE=dir: a V8 CPU profile of each server, written there when it stops.
      ...(process.env.BENCH_SERVER_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`]
        : []),
    ],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${variant} server exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`${variant} server not ready in 120 s:\n${output}`);
      if (variant === 'bare') {
        if (/listening \d+/.test(output)) return;
      } else {
        const ok = await fetch(`http://127.0.0.1:${httpPort}/health/ready`)
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await ready();
  const statements = () =>
    new Promise<StatementCounts>((done, reject) => {
      const onMessage = (message: unknown) => {
        const m = message as { kind?: string } & StatementCounts;
        if (m?.kind !== 'statements') return;
        child.off('message', onMessage);
        done({ total: m.total, byStatement: m.byStatement, msByStatement: m.msByStatement });
      };
      child.on('message', onMessage);
      if (!child.send('statements')) reject(new Error('the server has no IPC channel'));
    });
  return {
    child,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    statements,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      if (env.PRM_DATA_DIR) rmSync(env.PRM_DATA_DIR, { recursive: true, force: true });
      return code;
    },
  };
}

type Unary = (
  request: object,
  metadata: Metadata,
  callback: (error: Error | null, response: unknown) => void,
) => void;

/** `count` clients, each on its own HTTP/2 connection (a local subchannel pool). */
function clientsOf(address: string, count: number): Array<Record<string, Unary> & Client> {
  let node: unknown = loadPackageDefinition(
    loadSync('prm/partners/v1/partners.proto', { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }),
  );
  for (const part of SERVICE.split('.')) node = (node as GrpcObject)[part];
  const Constructor = node as new (
    address: string,
    creds: ReturnType<typeof credentials.createInsecure>,
    options: Record<string, unknown>,
  ) => Client;
  return Array.from(
    { length: count },
    () =>
      new Constructor(address, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }) as Record<string, Unary> & Client,
  );
}

function call(client: Record<string, Unary> & Client, method: string, request: object): Promise<unknown> {
  return new Promise((done, reject) =>
    client[method]!.call(client, request, new Metadata(), (error, response) =>
      error ? reject(new Error(`${method}: ${error.message}`)) : done(response),
    ),
  );
}

/** Waits until the server's statement count stops growing: its projections and relay caught up. */
async function settled(server: RunningServer): Promise<StatementCounts> {
  let last = await server.statements();
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await server.statements();
    if (now.total - last.total < 20) return now;
    last = now;
  }
  return last;
}

export interface VariantResult {
  variant: Variant;
  server: string;
  partners: number;
  clients: number;
  commands: number;
  seconds: number;
  commandsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  statementsPerCommand: number;
  /** Time until the statements' answers per command (PGlite: their execution, one at a time). */
  statementMsPerCommand: number;
  /** The statements that took the most time, per command. */
  topStatementsPerCommand: Array<{ statement: string; perCommand: number; msPerCommand: number }>;
  serverCores: number;
  cpu: CpuReport;
}

async function runVariant(variant: Variant, partners: number, clients: number): Promise<VariantResult> {
  const db = variant === 'embedded' ? undefined : await createTestDatabase(`bench_commands_${variant}`);
  const server = await startServer(variant, db);
  try {
    const stubs = clientsOf(server.grpcAddress, clients);
    // Warm-up: a few partners walked through, not measured.
    const warm = Math.min(50, partners);
    await runConcurrently(Math.min(clients, warm), warm, async (k, w) => {
      const id = randomUUID();
      await call(stubs[w]!, 'registerPartner', registration(1_000_000 + k, id));
      for (const [method, request] of walk(1_000_000 + k, id)) await call(stubs[w]!, method, request);
    });
    const before = await settled(server);
    const perPartner = 11;
    const commands = partners * perPartner;
    const latencies = new Float64Array(commands);
    const show = progress(`commands ${variant}: partners walked`, partners);
    const cpuStop = startCpuMeter();
    const serverCpu0 = processCpuSeconds(server.child.pid!);
    const started = performance.now();
    await runConcurrently(
      clients,
      partners,
      async (k, w) => {
        const id = randomUUID();
        const stub = stubs[w]!;
        let t0 = performance.now();
        await call(stub, 'registerPartner', registration(k, id));
        latencies[k * perPartner] = performance.now() - t0;
        let i = 1;
        for (const [method, request] of walk(k, id)) {
          t0 = performance.now();
          await call(stub, method, request);
          latencies[k * perPartner + i++] = performance.now() - t0;
        }
      },
      show,
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuStop();
    const serverCores = (processCpuSeconds(server.child.pid!) - serverCpu0) / seconds;
    // The meter sees the server process (node, not ours) as "other": it is accounted here.
    if (cpu.otherCores !== undefined) cpu.otherCores = round(Math.max(0, cpu.otherCores - serverCores), 2);
    const after = await settled(server);
    for (const stub of stubs) stub.close();
    latencies.sort();
    const counted = after.total - before.total;
    const top = Object.entries(after.byStatement)
      .map(([statement, n]) => ({
        statement,
        n: n - (before.byStatement[statement] ?? 0),
        ms: (after.msByStatement[statement] ?? 0) - (before.msByStatement[statement] ?? 0),
      }))
      .filter((s) => s.n > 0)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12)
      .map((s) => ({
        statement: s.statement,
        perCommand: round(s.n / commands, 2),
        msPerCommand: round(s.ms / commands, 3),
      }));
    const statementMs = Object.entries(after.msByStatement).reduce(
      (sum, [statement, ms]) => sum + ms - (before.msByStatement[statement] ?? 0),
      0,
    );
    const result: VariantResult = {
      variant,
      server:
        variant === 'nest'
          ? 'services/partners/dist/main.js (NestJS, PostgreSQL, Kafka)'
          : variant === 'bare'
            ? 'bench/dist/commands/bare-partners-server.js (bare @grpc/grpc-js, PostgreSQL, Kafka)'
            : 'services/embedded/dist/main.js (NestJS, PGlite, in-process bus)',
      partners,
      clients,
      commands,
      seconds: round(seconds, 2),
      commandsPerSecond: round(commands / seconds),
      latencyMs: {
        p50: round(percentile(latencies, 50), 2),
        p99: round(percentile(latencies, 99), 2),
        max: round(latencies[latencies.length - 1]!, 2),
      },
      statementsPerCommand: round(counted / commands, 2),
      statementMsPerCommand: round(statementMs / commands, 2),
      topStatementsPerCommand: top,
      serverCores: round(serverCores, 2),
      cpu,
    };
    log(
      `commands ${variant}: ${result.commandsPerSecond} commands/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.statementsPerCommand} statements/command, server ${result.serverCores} cores`,
    );
    return result;
  } finally {
    const code = await server.stop();
    if (code !== 0) log(`commands ${variant}: the server exited with ${code} on SIGTERM`);
    await db?.drop();
  }
}

export async function runCommandsBench(options: CommandsBenchOptions) {
  const startedAt = new Date().toISOString();
  const runs: Partial<Record<Variant, VariantResult[]>> = {};
  for (let round = 1; round <= options.rounds; round++) {
    for (const variant of options.variants) {
      // The embedded app is far slower: it runs in the first round only.
      if (variant === 'embedded' && round > 1) continue;
      if (options.rounds > 1) log(`commands: round ${round}/${options.rounds}, ${variant}`);
      const embedded = variant === 'embedded';
      (runs[variant] ??= []).push(
        await runVariant(
          variant,
          embedded ? options.embeddedPartners : options.partners,
          embedded ? options.embeddedClients : options.clients,
        ),
      );
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  /** The round with the median throughput stands for the variant. */
  const representative = (list: VariantResult[] | undefined) => {
    if (!list || list.length === 0) return undefined;
    const m = median(list.map((r) => r.commandsPerSecond));
    return [...list].sort(
      (a, b) => Math.abs(a.commandsPerSecond - m) - Math.abs(b.commandsPerSecond - m),
    )[0]!;
  };
  const results = {
    nest: representative(runs.nest),
    bare: representative(runs.bare),
    embedded: representative(runs.embedded),
  };
  const { nest, bare, embedded } = results;
  const goals: Array<{ name: string; goal: string; measured: number; unit: string; met: boolean }> = [];
  if (nest) {
    goals.push(
      {
        name: 'partners service over gRPC: commands/s',
        goal: `≥ ${GOALS.service.commandsPerSecond}`,
        measured: nest.commandsPerSecond,
        unit: 'commands/s',
        met: nest.commandsPerSecond >= GOALS.service.commandsPerSecond,
      },
      {
        name: 'partners service over gRPC: p99',
        goal: `≤ ${GOALS.service.p99Ms}`,
        measured: nest.latencyMs.p99,
        unit: 'ms',
        met: nest.latencyMs.p99 <= GOALS.service.p99Ms,
      },
    );
  }
  let overheadPerRound: number[] = [];
  if (nest && bare) {
    overheadPerRound = runs.nest!.map((n, i) =>
      round((1 - n.commandsPerSecond / runs.bare![i]!.commandsPerSecond) * 100, 1),
    );
    const overhead = median(overheadPerRound);
    goals.push({
      name: 'NestJS overhead in throughput (1 − nest/bare, median of the rounds)',
      goal: `≤ ${GOALS.service.nestOverheadPct}`,
      measured: round(overhead, 1),
      unit: '%',
      met: overhead <= GOALS.service.nestOverheadPct,
    });
  }
  if (embedded) {
    goals.push(
      {
        name: `embedded app over gRPC at ${embedded.clients} clients: commands/s`,
        goal: `≥ ${GOALS.embedded.commandsPerSecond}`,
        measured: embedded.commandsPerSecond,
        unit: 'commands/s',
        met: embedded.commandsPerSecond >= GOALS.embedded.commandsPerSecond,
      },
      {
        name: `embedded app over gRPC at ${embedded.clients} clients: p99`,
        goal: `≤ ${GOALS.embedded.p99Ms}`,
        measured: embedded.latencyMs.p99,
        unit: 'ms',
        met: embedded.latencyMs.p99 <= GOALS.embedded.p99Ms,
      },
    );
  }
  return {
    benchmark: 'partners commands over gRPC (issue 15)',
    startedAt,
    finishedAt: new Date().toISOString(),
    config: options,
    results,
    rounds: Object.fromEntries(
      Object.entries(runs).map(([variant, list]) => [
        variant,
        list.map((r) => ({
          commandsPerSecond: r.commandsPerSecond,
          p50: r.latencyMs.p50,
          p99: r.latencyMs.p99,
          serverCores: r.serverCores,
          otherCores: r.cpu.otherCores,
        })),
      ]),
    ),
    nestOverheadPctPerRound: overheadPerRound,
    goals,
  };
}
