#!/usr/bin/env node
// Enforces module boundaries from the Nx tags in each project's package.json ("nx": { "tags": [...] }):
//   - type:service may not import another type:service (services talk through Kafka events);
//   - type:lib may import only type:lib;
//   - nobody reaches into another project's internals (@prm/x/src/..., @prm/x/dist/...);
//   - every @prm/* import is declared in package.json, so `nx graph` shows the real dependencies.
// Usage: node tools/check-boundaries.mjs [@prm/project ...]   (no argument: every project)
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.PRM_WORKSPACE_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const projects = new Map();
for (const pattern of rootPkg.workspaces) {
  const base = pattern.endsWith('/*') ? [pattern.slice(0, -2)] : [null];
  const dirs = base[0] ? readdirSync(join(root, base[0])).map((d) => join(base[0], d)) : [pattern];
  for (const dir of dirs) {
    const file = join(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    projects.set(pkg.name, { dir, pkg, tags: pkg.nx?.tags ?? [] });
  }
}

const typeOf = (p) => (p.tags.find((t) => t.startsWith('type:')) ?? 'type:none').slice(5);
const rules = {
  lib: (dep) => typeOf(dep) === 'lib' || `a lib may depend only on libs`,
  service: (dep) =>
    typeOf(dep) !== 'service' || `services never import each other; publish and consume events`,
  app: (dep) => true,
  bench: (dep) => true,
};

function sources(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (/\.(ts|mts|cts)$/.test(name)) out.push(path);
  }
  return out;
}

const targets = process.argv.length > 2 ? process.argv.slice(2) : [...projects.keys()];
const problems = [];
for (const name of targets) {
  const project = projects.get(name);
  if (!project) {
    problems.push(`${name}: not a workspace project`);
    continue;
  }
  const rule = rules[typeOf(project)];
  if (!rule) problems.push(`${name}: needs an nx tag type:lib|service|app|bench in package.json`);
  const declared = new Set(Object.keys({ ...project.pkg.dependencies, ...project.pkg.devDependencies }));
  const src = join(root, project.dir, 'src');
  if (!existsSync(src)) continue;
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    // Statements only (an import/export at the start of a line, or require()/import()), so
    // strings that merely mention a package, like test fixtures, are not imports.
    const statements = [
      ...text.matchAll(/^\s*(?:import|export)\b[^'";]*?['"](@prm\/[^'"]+)['"]/gm),
      ...text.matchAll(/\b(?:require|import)\s*\(\s*['"](@prm\/[^'"]+)['"]/g),
    ];
    for (const match of statements) {
      const spec = match[1];
      const [scope, pkgName, ...rest] = spec.split('/');
      const depName = `${scope}/${pkgName}`;
      const where = relative(root, file);
      if (depName === name) problems.push(`${where}: imports its own package ${spec}; use a relative import`);
      if (rest.length > 0)
        problems.push(`${where}: reaches into ${depName}'s internals (${spec}); import from ${depName}`);
      const dep = projects.get(depName);
      if (!dep) {
        problems.push(`${where}: ${depName} is not a workspace project`);
        continue;
      }
      if (!declared.has(depName))
        problems.push(`${where}: imports ${depName} but ${name}'s package.json does not declare it`);
      const verdict = rule?.(dep);
      if (typeof verdict === 'string') problems.push(`${where}: may not import ${depName} (${verdict})`);
    }
  }
}
if (problems.length > 0) {
  console.error(`Module boundary violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
