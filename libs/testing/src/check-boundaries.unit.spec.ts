import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './infra';

/** Tests of tools/check-boundaries.mjs, the lint rule that enforces the Nx tags. */
function workspace(projects: Record<string, { tags: string[]; deps?: string[]; source: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'prm-boundaries-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['libs/*', 'services/*'] }));
  for (const [path, p] of Object.entries(projects)) {
    mkdirSync(join(root, path, 'src'), { recursive: true });
    const name = `@prm/${path.split('/')[1]}`;
    const dependencies = Object.fromEntries((p.deps ?? []).map((d) => [d, '*']));
    writeFileSync(
      join(root, path, 'package.json'),
      JSON.stringify({ name, dependencies, nx: { tags: p.tags } }),
    );
    writeFileSync(join(root, path, 'src', 'index.ts'), p.source);
  }
  return root;
}

function check(root: string) {
  return spawnSync(process.execPath, [join(repoRoot(), 'tools/check-boundaries.mjs')], {
    env: { ...process.env, PRM_WORKSPACE_ROOT: root },
    encoding: 'utf8',
  });
}

describe('check-boundaries', () => {
  it('accepts a service that imports a declared lib', () => {
    const root = workspace({
      'libs/core': { tags: ['type:lib'], source: 'export const x = 1;\n' },
      'services/deals': {
        tags: ['type:service'],
        deps: ['@prm/core'],
        source: "import { x } from '@prm/core';\nexport const y = x;\n",
      },
    });
    try {
      assert.equal(check(root).status, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a service importing another service, a lib importing a service, internals, and undeclared deps', () => {
    const root = workspace({
      'libs/core': { tags: ['type:lib'], deps: ['@prm/partners'], source: "import '@prm/partners';\n" },
      'services/partners': { tags: ['type:service'], source: 'export const p = 1;\n' },
      'services/deals': {
        tags: ['type:service'],
        deps: ['@prm/partners'],
        source: "import { p } from '@prm/partners';\nimport '@prm/core/src/index';\nexport const d = p;\n",
      },
    });
    try {
      const run = check(root);
      assert.equal(run.status, 1);
      assert.match(
        run.stderr,
        /services\/deals\/src\/index\.ts: may not import @prm\/partners \(services never import each other/,
      );
      assert.match(
        run.stderr,
        /libs\/core\/src\/index\.ts: may not import @prm\/partners \(a lib may depend only on libs\)/,
      );
      assert.match(run.stderr, /reaches into @prm\/core's internals/);
      assert.match(run.stderr, /imports @prm\/core but @prm\/deals's package\.json does not declare it/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
