#!/usr/bin/env node
// `npm test`: lint and test every project through Nx (builds first), then one closing line
// "tests: N passed, N failed, N skipped" summed over every project's node:test runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every project's counts land in <project>/test-results/summary.jsonl (an Nx output, so a cached
// run restores it). Old ones are removed first so only this run's projects are counted.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const projectDirs = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces.flatMap((w) =>
  w.endsWith('/*')
    ? readdirSync(join(root, w.slice(0, -2))).map((d) => join(root, w.slice(0, -2), d))
    : [join(root, w)],
);
for (const dir of projectDirs) rmSync(join(dir, 'test-results'), { recursive: true, force: true });
const started = Date.now();
const nx = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'lint', 'test', '--parallel=1', '--outputStyle=stream', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
const rows = projectDirs
  .map((dir) => join(dir, 'test-results', 'summary.jsonl'))
  .filter((file) => existsSync(file))
  .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean))
  .map((line) => JSON.parse(line));
const total = rows.reduce(
  (t, r) => ({ pass: t.pass + r.pass, fail: t.fail + r.fail, skipped: t.skipped + r.skipped }),
  {
    pass: 0,
    fail: 0,
    skipped: 0,
  },
);
console.log('\nper project:');
for (const r of rows)
  console.log(`  ${r.project} ${r.kind}: ${r.pass} passed, ${r.fail} failed, ${r.skipped} skipped`);
// Nx failing (lint, build) without a failing test still fails the run and the count.
if (nx.status !== 0 && total.fail === 0) total.fail = 1;
console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
console.log(`tests: ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(nx.status === 0 && total.fail === 0 ? 0 : 1);
