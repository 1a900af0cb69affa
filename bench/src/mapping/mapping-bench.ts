import { performance } from 'node:perf_hooks';
import { PostgresDatabase } from '@prm/database';
import { SqlEventStore } from '@prm/event-store';
import { givenPartners, MappingApplication, type AccountBatch, type Actor } from '@prm/mapping';
import { createTestDatabase, postgresAdminUrl } from '@prm/testing';
import { log, round } from '../measure';

export interface MappingBenchOptions {
  /** 1 = the sizes: vendor 1,000,000 accounts, 100 partners × 100,000. Default BENCH_MAPPING_SCALE or 1. */
  scale?: number;
  /** Partner lists (default 100). */
  partners?: number;
  /** Engine runs of the full matrix; the median is reported (default 5). */
  runs?: number;
  /** Keep the scratch database (default false: it is dropped). */
  keepDatabase?: boolean;
}

export interface Goal {
  name: string;
  goal: string;
  measured: number;
  unit: string;
  met: boolean;
}

export interface MappingBenchReport {
  benchmark: 'mapping-overlap';
  startedAt: string;
  scale: number;
  config: {
    vendorAccounts: number;
    partners: number;
    accountsPerPartner: number;
    overlapShare: number;
    csvRows: number;
    postgres: string;
  };
  results: {
    bulkLoadMs: number;
    startupLoadMs: number;
    engine: { fullMatrixMsMedian: number; fullMatrixMsMin: number; runs: number[]; matchedCompanies: number };
    postgres: { fullMatrixMs: number; joinNodes: string[]; matchedPairs: number };
    speedupVsPostgres: number;
    sameCounts: boolean;
    mismatchedPartners: number;
    csvImport: { rows: number; ms: number; rowsPerSecond: number; accepted: number; rejected: number };
    /** Partner 1 re-imports the CSV: the whole import (replacing its list) and the recompute of its cells. */
    reimport: { rows: number; totalMs: number; recomputeMs: number };
    memory: { peakRssMiB: number; rssAfterLoadMiB: number; rssDuringMatrixMiB: number };
  };
  goals: Goal[];
}

const admin: Actor = { id: 'bench:mapping', role: 'service' };
const SECRET = 'bench-mapping-deployment-secret-0123456789';

/** A 32-bit mix (murmur3 finalizer): deterministic pseudo-random keys without hashing strings. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/**
 * Company c's keys are unique to it: kind k hashes to (mix(c, k, 1), mix(c, k, 2)), never (0, 0).
 * Which keys a record carries and its population depend on the record's list (salt), so two
 * lists holding the same company may match on any key, or not at all.
 */
function fillAccount(batch: AccountBatch, i: number, company: number, salt: number): void {
  const r = mix(company * 31 + salt) >>> 0;
  const hasTax = r % 2 === 0;
  const hasDomain = r % 5 !== 0;
  const hasName = !hasTax && !hasDomain ? true : r % 3 !== 0;
  const present = [hasTax, hasDomain, hasName];
  for (let k = 0; k < 3; k++) {
    const hi = present[k] ? mix(company * 3 + k + 0x9e3779b9) : 0;
    const lo = present[k] ? mix(company * 7 + k * 0x27d4eb2d) | 1 : 0;
    batch.keys[i * 6 + k * 2] = hi;
    batch.keys[i * 6 + k * 2 + 1] = lo;
  }
  const p = (r >>> 8) % 10;
  batch.population[i] = p < 2 ? 0 : p < 4 ? 1 : 2; // 20 % customers, 20 % opportunities, 60 % prospects
  batch.line[i] = i + 2;
}

function* syntheticList(size: number, companyOf: (i: number) => number, salt: number, batchSize = 50_000) {
  for (let start = 0; start < size; start += batchSize) {
    const n = Math.min(batchSize, size - start);
    const batch: AccountBatch = {
      count: n,
      line: new Int32Array(n),
      population: new Uint8Array(n),
      keys: new Int32Array(n * 6),
    };
    for (let i = 0; i < n; i++) fillAccount(batch, i, companyOf(start + i), salt);
    yield batch;
  }
}

const PSEUDO = [
  'Ромашка',
  'Вектор',
  'Гранит',
  'Альфа',
  'Северсталь',
  'Romashka',
  'Vektor',
  'Granit',
  'Alpha',
  'Nord',
];
const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
function inn10(n: number): string {
  const digits = String(770_000_000 + (n % 9_999_999))
    .split('')
    .map(Number);
  return digits.join('') + String((digits.reduce((s, d, i) => s + d * W10[i]!, 0) % 11) % 10);
}

/** A realistic CSV export (HubSpot-like header, Cyrillic and Latin names, URLs, INNs). */
export function csvExport(rows: number): Buffer {
  const lines = ['Record ID,Company name,Website URL,INN,Country/Region,Lifecycle Stage'];
  const stages = ['customer', 'opportunity', 'lead', 'subscriber', 'Sales Qualified Lead'];
  for (let i = 0; i < rows; i++) {
    const base = PSEUDO[i % PSEUDO.length]!;
    const name = i % 2 ? `"ООО «${base} ${i}»"` : `${base} ${i} LLC`;
    lines.push(
      `${i},${name},https://www.company-${i}.ru/about,${i % 3 ? inn10(i * 13) : ''},RU,${stages[i % stages.length]}`,
    );
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

/**
 * The overlap matrix of a vendor list against 100 partner lists (in a scratch database created
 * next to DATABASE_URL's, default postgres://prm:prm@127.0.0.1:5433/prm, and dropped after), by the in-memory engine and by
 * SQL hash joins in the same PostgreSQL on the same rows; plus a 100,000-row CSV import and
 * the recompute after one partner's re-import. Returns one JSON-able report.
 */
export async function runMappingBench(options: MappingBenchOptions = {}): Promise<MappingBenchReport> {
  const scale = options.scale ?? (Number(process.env.BENCH_MAPPING_SCALE ?? '1') || 1);
  const partners = options.partners ?? 100;
  const vendorAccounts = Math.max(1000, Math.round(1_000_000 * scale));
  const perPartner = Math.max(100, Math.round(100_000 * scale));
  const csvRows = Math.max(1000, Math.round(100_000 * scale));
  const overlapShare = 0.3;
  const runs = options.runs ?? 5;
  const startedAt = new Date().toISOString();
  let rssDuringMatrix = 0;
  const sampler = setInterval(() => {
    rssDuringMatrix = Math.max(rssDuringMatrix, process.memoryUsage().rss);
  }, 50);

  const tdb = await createTestDatabase('mapping_bench');
  const db = new PostgresDatabase(tdb.url);
  const store = await SqlEventStore.create(db);
  try {
    log(`mapping: vendor ${vendorAccounts} accounts, ${partners} partners × ${perPartner} (scale ${scale})`);
    let app: MappingApplication | undefined = await MappingApplication.create(store, db, {
      hmacSecret: SECRET,
      insertBatchRows: 20_000,
    });
    const loadStart = performance.now();
    await app.importAccountBatches(
      { owner: 'vendor' },
      syntheticList(vendorAccounts, (i) => i, 1),
      admin,
    );
    const partnerIds: string[] = [];
    const overlapping = Math.round(perPartner * overlapShare);
    for (let j = 0; j < partners; j++) {
      const partnerId = `00000000-0000-4000-8000-${String(j).padStart(12, '0')}`;
      partnerIds.push(partnerId);
      // The first 30 % are vendor companies (spread over the vendor's list), the rest the partner's own.
      const companyOf = (i: number) =>
        i < overlapping
          ? (((i * 7919 + j * 104729) % vendorAccounts) + vendorAccounts) % vendorAccounts
          : vendorAccounts + j * perPartner + i;
      await app.importAccountBatches(
        { owner: 'partner', partnerId },
        syntheticList(perPartner, companyOf, 100 + j),
        admin,
      );
      if ((j + 1) % Math.max(1, Math.floor(partners / 10)) === 0)
        log(`mapping: loaded ${j + 1}/${partners} partner lists`);
    }
    const bulkLoadMs = performance.now() - loadStart;
    // Settle the bulk load (statistics, visibility map) so autovacuum does not run during the measurements.
    log('mapping: VACUUM ANALYZE after the bulk load');
    await db.query('VACUUM ANALYZE mapping_accounts');
    await db.query('VACUUM ANALYZE mapping_lists');
    app = undefined; // the restart below loads everything from PostgreSQL

    const startupStart = performance.now();
    const loaded = await MappingApplication.create(store, db, { hmacSecret: SECRET });
    const startupLoadMs = performance.now() - startupStart;
    const rssAfterLoad = process.memoryUsage().rss;
    log(`mapping: lists loaded from PostgreSQL in ${round(startupLoadMs)} ms`);

    rssDuringMatrix = 0;
    const times: number[] = [];
    let engineCells = new Map<string, number[]>();
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const computed = loaded.recomputeAll();
      times.push(performance.now() - t);
      engineCells = new Map(computed.map((c) => [c.partnerId, c.counts.cells]));
    }
    const sorted = [...times].sort((a, b) => a - b);
    const engineMs = sorted[Math.floor(sorted.length / 2)]!;
    const matchedCompanies = [...engineCells.values()].reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);
    log(`mapping: engine full matrix ${round(engineMs)} ms (median of ${runs})`);

    const pg = await postgresMatrix(db, partners);
    log(`mapping: PostgreSQL full matrix ${round(pg.ms)} ms`);
    let mismatched = 0;
    for (const partnerId of partnerIds) {
      const a = engineCells.get(partnerId) ?? [];
      const b = pg.cells.get(partnerId) ?? new Array<number>(9).fill(0);
      if (a.join() !== b.join()) mismatched++;
    }

    // A new partner imports a CSV export (first import); then partner 1 re-imports the same file
    // (its cells recomputed, its 100,000 synthetic accounts replaced).
    const csv = csvExport(csvRows);
    const newPartner = `00000000-0000-4000-8000-${String(partners).padStart(12, '0')}`;
    // Mapping imports lists of registered partners only (it learns them from partner events).
    await givenPartners(store, db, [{ partnerId: newPartner }, { partnerId: partnerIds[0]! }]);
    const csvStart = performance.now();
    const imported = await loaded.importAccountList(
      { owner: 'partner', partnerId: newPartner, content: chunks(csv, 256 * 1024) },
      admin,
    );
    const csvMs = performance.now() - csvStart;
    log(`mapping: CSV import of ${csvRows} rows in ${round(csvMs)} ms`);
    const reimportStart = performance.now();
    const reimported = await loaded.importAccountList(
      { owner: 'partner', partnerId: partnerIds[0]!, content: chunks(csv, 256 * 1024) },
      admin,
    );
    const reimportMs = performance.now() - reimportStart;
    log(
      `mapping: re-import of partner 1 in ${round(reimportMs)} ms; its cells recomputed in ${round(reimported.recomputeMs)} ms`,
    );

    const peakRss = process.resourceUsage().maxRSS * 1024;
    const speedup = pg.ms / engineMs;
    const full = scale >= 1;
    const goals: Goal[] = [
      goal('full matrix once lists are loaded', '≤ 3000 ms', engineMs, 'ms', engineMs <= 3000),
      goal('peak RSS', '≤ 2048 MiB', mib(peakRss), 'MiB', mib(peakRss) <= 2048),
      goal('faster than PostgreSQL hash joins', '≥ 5×', round(speedup, 1), '×', speedup >= 5),
      goal(`import of one ${csvRows}-row CSV`, '≤ 2000 ms (100,000 rows)', csvMs, 'ms', csvMs <= 2000),
      goal(
        're-import of one partner recomputes its cells',
        '≤ 1000 ms',
        reimported.recomputeMs,
        'ms',
        reimported.recomputeMs <= 1000,
      ),
    ].map((g) => (full ? g : { ...g, name: `${g.name} (scale ${scale}: goals are for scale 1)` }));
    return {
      benchmark: 'mapping-overlap',
      startedAt,
      scale,
      config: {
        vendorAccounts,
        partners,
        accountsPerPartner: perPartner,
        overlapShare,
        csvRows,
        postgres: new URL(postgresAdminUrl).host,
      },
      results: {
        bulkLoadMs: round(bulkLoadMs),
        startupLoadMs: round(startupLoadMs),
        engine: {
          fullMatrixMsMedian: round(engineMs, 1),
          fullMatrixMsMin: round(sorted[0]!, 1),
          runs: times.map((t) => round(t, 1)),
          matchedCompanies,
        },
        postgres: { fullMatrixMs: round(pg.ms, 1), joinNodes: pg.joinNodes, matchedPairs: pg.matched },
        speedupVsPostgres: round(speedup, 1),
        sameCounts: mismatched === 0 && pg.matched === matchedCompanies,
        mismatchedPartners: mismatched,
        csvImport: {
          rows: csvRows,
          ms: round(csvMs),
          rowsPerSecond: round(csvRows / (csvMs / 1000)),
          accepted: imported.accountCount,
          rejected: imported.rejectedCount,
        },
        reimport: {
          rows: csvRows,
          totalMs: round(reimportMs),
          recomputeMs: round(reimported.recomputeMs, 1),
        },
        memory: {
          peakRssMiB: mib(peakRss),
          rssAfterLoadMiB: mib(rssAfterLoad),
          rssDuringMatrixMiB: mib(rssDuringMatrix),
        },
      },
      goals,
    };
  } finally {
    clearInterval(sampler);
    await store.close();
    await db.close();
    if (!options.keepDatabase) await tdb.drop();
  }
}

function goal(name: string, target: string, measured: number, unit: string, met: boolean): Goal {
  return { name, goal: target, measured: round(measured, 1), unit, met };
}

export function* chunks(buffer: Buffer, size: number): Generator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

/**
 * The same matrix in SQL: every partner's current list joined to the vendor's on each key by a
 * hash join, the matched (vendor account, partner account) pairs deduplicated, counted per
 * partner and cell. On this data (no duplicates within a list, keys unique to a company) a pair
 * is exactly one of the engine's matched companies, so the counts must be equal.
 */
async function postgresMatrix(
  db: PostgresDatabase,
  partners: number,
): Promise<{ ms: number; cells: Map<string, number[]>; joinNodes: string[]; matched: number }> {
  const sql = `
WITH v AS (
  SELECT a.row_no, a.population, a.k_tax, a.k_domain, a.k_name
  FROM mapping_accounts a JOIN mapping_lists l ON l.list_id = a.list_id
  WHERE l.owner_key = 'vendor' AND l.status = 'current'),
p AS (
  SELECT l.partner_id, a.row_no, a.population, a.k_tax, a.k_domain, a.k_name
  FROM mapping_accounts a JOIN mapping_lists l ON l.list_id = a.list_id
  WHERE l.owner_key <> 'vendor' AND l.status = 'current'),
pairs AS (
  SELECT p.partner_id, v.row_no AS vr, p.row_no AS pr, v.population AS vp, p.population AS pp FROM v JOIN p ON v.k_tax = p.k_tax
  UNION
  SELECT p.partner_id, v.row_no, p.row_no, v.population, p.population FROM v JOIN p ON v.k_domain = p.k_domain
  UNION
  SELECT p.partner_id, v.row_no, p.row_no, v.population, p.population FROM v JOIN p ON v.k_name = p.k_name)
SELECT partner_id::text AS partner_id, vp, pp, count(*)::int AS n FROM pairs GROUP BY 1, 2, 3`;
  return db.withSession(async (session) => {
    await session.query("SET work_mem = '512MB'");
    await session.query('SET enable_mergejoin = off');
    await session.query('SET enable_nestloop = off');
    await session.query('ANALYZE mapping_accounts');
    await session.query('ANALYZE mapping_lists');
    const plan = await session.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
    const joinNodes = [
      ...new Set(
        plan.rows
          .map((r) => r['QUERY PLAN'])
          .flatMap((line) => line.match(/(Hash|Merge|Nested Loop) (Right |Left |Semi |Anti )?Join/g) ?? []),
      ),
    ];
    const t = performance.now();
    const result = await session.query<{ partner_id: string; vp: number; pp: number; n: number }>(sql);
    const ms = performance.now() - t;
    await session.query('RESET ALL');
    const cells = new Map<string, number[]>();
    let matched = 0;
    for (const row of result.rows) {
      const c = cells.get(row.partner_id) ?? new Array<number>(9).fill(0);
      c[row.vp * 3 + row.pp] = row.n;
      matched += row.n;
      cells.set(row.partner_id, c);
    }
    void partners;
    return { ms, cells, joinNodes, matched };
  });
}
