#!/usr/bin/env node
// Runs a project's compiled specs with node's test runner: `run-tests.mjs unit int e2e`.
// Before running it probes PostgreSQL and Kafka so specs can skip (or, with REQUIRE_INFRA=1,
// fail) synchronously; specs read PRM_PG_AVAILABLE / PRM_KAFKA_AVAILABLE.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const kinds = process.argv.slice(2);
const only = process.env.TEST_KINDS ? process.env.TEST_KINDS.split(',') : kinds;

function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.spec.js')) out.push(path);
  }
  return out;
}

function probe(hostPort) {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(1000);
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const pgUrl = new URL(process.env.DATABASE_URL ?? 'postgres://prm:prm@127.0.0.1:5433/prm');
const kafka = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0];
const env = {
  ...process.env,
  PRM_PG_AVAILABLE: (await probe(`${pgUrl.hostname}:${pgUrl.port || 5432}`)) ? '1' : '0',
  PRM_KAFKA_AVAILABLE: (await probe(kafka)) ? '1' : '0',
};

// Besides the readable spec output, a TAP copy is parsed for the counts.
const tapDir = mkdtempSync(join(tmpdir(), 'prm-tap-'));
// The counts go to test-results/summary.jsonl, an Nx output of the test target, so a cached
// run restores them too and `npm test` can still sum every project.
const summaryFile = join('test-results', 'summary.jsonl');
rmSync('test-results', { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
let failed = false;
for (const kind of kinds.filter((k) => only.includes(k))) {
  const files = find('dist')
    .filter((f) => f.endsWith(`.${kind}.spec.js`))
    .sort();
  if (files.length === 0) continue;
  console.log(`\n== ${kind} specs (${files.length} files) ==`);
  const tap = join(tapDir, `${kind}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      '--test-timeout=300000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { stdio: 'inherit', env },
  );
  if (result.status !== 0) failed = true;
  if (existsSync(tap)) {
    const text = readFileSync(tap, 'utf8');
    const count = (label) => Number(text.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
    // A run that failed without a failing test (a crash, a file-level error) still counts as a failure.
    const fail = Math.max(count('fail'), result.status === 0 ? 0 : 1);
    const line = {
      project: process.env.npm_package_name ?? process.cwd(),
      kind,
      pass: count('pass'),
      fail,
      skipped: count('skipped'),
    };
    appendFileSync(summaryFile, `${JSON.stringify(line)}\n`);
  }
}
rmSync(tapDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
