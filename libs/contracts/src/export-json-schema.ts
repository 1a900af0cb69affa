#!/usr/bin/env node
/*
 * Writes the event catalog's JSON Schema files:
 *   node libs/contracts/dist/export-json-schema.js [outDir]   (default: libs/contracts/schemas)
 * Files of older schema versions already in outDir are kept: BI still needs them to read
 * old events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderJsonSchemaFiles } from './json-schema';

export function exportJsonSchemas(outDir: string): string[] {
  const written: string[] = [];
  for (const [file, content] of renderJsonSchemaFiles()) {
    const path = join(outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? join(__dirname, '..', 'schemas'));
  const written = exportJsonSchemas(outDir);
  console.log(`wrote ${written.length} files to ${outDir}`);
}
