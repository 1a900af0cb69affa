/**
 * Preloaded into a service process by the commands benchmark (`node --require
 * bench/dist/commands/statements.js …`, started with an IPC channel): counts every SQL
 * statement the process sends, through pg (PostgreSQL, TypeORM included) or PGlite, by the
 * statement's text with whitespace collapsed. The benchmark asks for the counts over IPC
 * ('statements' → { total, byStatement, msByStatement }) before and after a workload, so statements per
 * command cover the command and everything that follows it in the process (projections,
 * relay, schedulers, consumers).
 */
const counts = new Map<string, number>();
const millis = new Map<string, number>();
let total = 0;

/** The statement's key, counted; undefined for what is not a statement. */
function count(sql: unknown): string | undefined {
  const text =
    typeof sql === 'string'
      ? sql
      : sql && typeof sql === 'object' && typeof (sql as { text?: unknown }).text === 'string'
        ? (sql as { text: string }).text
        : undefined;
  if (text === undefined) return undefined;
  total++;
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 160);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return key;
}

function patch(proto: Record<string, unknown> | undefined, method: string): void {
  const original = proto?.[method];
  if (typeof original !== 'function') return;
  proto![method] = function (this: unknown, ...args: unknown[]) {
    const key = count(args[0]);
    const started = performance.now();
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    // Time until the answer (PGlite runs one statement at a time: its execution; pg: the round trip).
    if (key !== undefined && result instanceof Promise)
      void result.then(
        () => millis.set(key, (millis.get(key) ?? 0) + performance.now() - started),
        () => undefined,
      );
    return result;
  };
}

function tryRequire(name: string): Record<string, unknown> | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve(name, { paths: [process.cwd(), __dirname] })) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const pg = tryRequire('pg') as { Client?: { prototype: Record<string, unknown> } } | undefined;
patch(pg?.Client?.prototype, 'query');
const pglite = tryRequire('@electric-sql/pglite') as
  { PGlite?: { prototype: Record<string, unknown> } } | undefined;
patch(pglite?.PGlite?.prototype, 'query');
patch(pglite?.PGlite?.prototype, 'exec');

process.on('message', (message: unknown) => {
  if (message !== 'statements' || !process.send) return;
  process.send({
    kind: 'statements',
    total,
    byStatement: Object.fromEntries(counts),
    msByStatement: Object.fromEntries(millis),
  });
});
