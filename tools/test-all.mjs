#!/usr/bin/env node
// `npm test`: lint and test every project through Nx (builds first), then one closing line
// "tests: N passed, N failed, N skipped" summed over every project's node:test runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'prm-summary-'));
const summary = join(dir, 'summary.jsonl');
const started = Date.now();
const nx = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'lint', 'test', '--parallel=1', '--outputStyle=stream', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, PRM_TEST_SUMMARY: summary } },
);
const rows = existsSync(summary)
  ? readFileSync(summary, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
rmSync(dir, { recursive: true, force: true });
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
