import type { Database, SqlSession } from '@prm/database';
import type { RowError } from '../domain';

/** A batch of accepted accounts in columns; the raw columns are absent in privacy mode. */
export interface AccountBatch {
  count: number;
  line: Int32Array;
  population: Uint8Array;
  /** count × 6 int32 halves of the keyed hashes (tax id, domain, name + country). */
  keys: Int32Array;
  /** Variant name keys: batch row `variantRow[e]` has the key at `variantKeys[2e..2e+1]`; absent when none. */
  variantRow?: Int32Array;
  variantKeys?: Int32Array;
  name?: Array<string | null>;
  domain?: Array<string | null>;
  taxId?: Array<string | null>;
  country?: Array<string | null>;
  externalId?: Array<string | null>;
}

export interface ListRow {
  list_id: string;
  owner_key: string;
  partner_id: string | null;
  status: 'staged' | 'current' | 'replaced';
  privacy_mode: boolean;
  source: string;
  format: string;
  encoding: string | null;
  key_fingerprint: string;
  account_count: number;
  rejected_count: number;
  populations: { customer: number; opportunity: number; prospect: number } | null;
  key_coverage: { domain: number; taxId: number; name: number } | null;
  stream_version: string | null;
  created_at: Date;
  imported_at: Date | null;
  imported_by: string | null;
}

export interface AccountRowView {
  row_no: number;
  line: number;
  population: number;
  name: string | null;
  domain: string | null;
  tax_id: string | null;
  country: string | null;
  external_id: string | null;
}

const LIST_COLUMNS = `list_id, owner_key, partner_id, status, privacy_mode, source, format, encoding, key_fingerprint,
  account_count, rejected_count, populations, key_coverage, stream_version::text, created_at, imported_at, imported_by`;

/** A PostgreSQL array literal of integers. */
const intArray = (values: ArrayLike<number>): string => `{${Array.prototype.join.call(values, ',')}}`;

/** A PostgreSQL array literal of texts (NULL for null or absent). */
function textArray(values: ReadonlyArray<string | null> | undefined, n: number): string {
  if (!values) return `{${new Array<string>(n).fill('NULL').join(',')}}`;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = 'NULL';
    else if (v.indexOf('"') === -1 && v.indexOf('\\') === -1) out[i] = `"${v}"`;
    else out[i] = `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `{${out.join(',')}}`;
}

/** The mapping service's SQL: staged writes, the atomic swap of an owner's current list, reads. */
export class AccountListRepository {
  constructor(private readonly db: Database) {}

  async createStaged(list: {
    listId: string;
    ownerKey: string;
    partnerId: string | null;
    privacyMode: boolean;
    source: string;
    format: string;
    encoding: string | null;
    fingerprint: string;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO mapping_lists (list_id, owner_key, partner_id, status, privacy_mode, source, format, encoding, key_fingerprint)
       VALUES ($1, $2, $3, 'staged', $4, $5, $6, $7, $8)`,
      [
        list.listId,
        list.ownerKey,
        list.partnerId,
        list.privacyMode,
        list.source,
        list.format,
        list.encoding,
        list.fingerprint,
      ],
    );
  }

  /** Writes accounts of a staged list, numbered from `firstRowNo`; one statement per batch. */
  async writeAccounts(listId: string, firstRowNo: number, batch: AccountBatch): Promise<void> {
    const n = batch.count;
    if (n === 0) return;
    const rowNo = new Int32Array(n);
    for (let i = 0; i < n; i++) rowNo[i] = firstRowNo + i;
    const half = (j: number) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = batch.keys[i * 6 + j];
      return out;
    };
    // Array literals built here: pg's generic array serializer costs more than the insert.
    await this.db.query(
      `INSERT INTO mapping_accounts (list_id, row_no, line, population, k_tax, k_domain, k_name,
         name, domain, tax_id, country, external_id)
       SELECT $1::uuid, r.row_no, r.line, r.pop,
         NULLIF((r.th::int8 << 32) | (r.tl::int8 & 4294967295), 0),
         NULLIF((r.dh::int8 << 32) | (r.dl::int8 & 4294967295), 0),
         NULLIF((r.nh::int8 << 32) | (r.nl::int8 & 4294967295), 0),
         r.name, r.domain, r.tax_id, r.country, r.external_id
       FROM unnest($2::int4[], $3::int4[], $4::int2[], $5::int4[], $6::int4[], $7::int4[], $8::int4[],
         $9::int4[], $10::int4[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
         AS r(row_no, line, pop, th, tl, dh, dl, nh, nl, name, domain, tax_id, country, external_id)`,
      [
        listId,
        intArray(rowNo),
        intArray(batch.line.subarray(0, n)),
        intArray(batch.population.subarray(0, n)),
        intArray(half(0)),
        intArray(half(1)),
        intArray(half(2)),
        intArray(half(3)),
        intArray(half(4)),
        intArray(half(5)),
        textArray(batch.name, n),
        textArray(batch.domain, n),
        textArray(batch.taxId, n),
        textArray(batch.country, n),
        textArray(batch.externalId, n),
      ],
    );
  }

  async writeRejections(listId: string, rejections: readonly RowError[]): Promise<void> {
    for (let at = 0; at < rejections.length; at += 5000) {
      const part = rejections.slice(at, at + 5000);
      await this.db.query(
        `INSERT INTO mapping_rejections (list_id, seq, line, col, reason)
         SELECT $1::uuid, r.seq, r.line, r.col, r.reason
         FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[]) AS r(seq, line, col, reason)`,
        [
          listId,
          part.map((_, i) => at + i),
          part.map((r) => r.line),
          part.map((r) => r.column),
          part.map((r) => r.reason),
        ],
      );
    }
  }

  async completeStaged(
    listId: string,
    summary: {
      accountCount: number;
      rejectedCount: number;
      populations: object;
      keyCoverage: object;
      packed: Buffer;
      importedBy: string;
      encoding: string | null;
      format: string;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE mapping_lists SET account_count = $2, rejected_count = $3, populations = $4, key_coverage = $5,
         packed = $6, imported_by = $7, encoding = $8, format = $9
       WHERE list_id = $1 AND status = 'staged'`,
      [
        listId,
        summary.accountCount,
        summary.rejectedCount,
        JSON.stringify(summary.populations),
        JSON.stringify(summary.keyCoverage),
        summary.packed,
        summary.importedBy,
        summary.encoding,
        summary.format,
      ],
    );
  }

  /** Drops a staged list that will never become current (a failed or refused import). */
  async discardStaged(listId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM mapping_accounts WHERE list_id = $1', [listId]);
      await tx.query('DELETE FROM mapping_rejections WHERE list_id = $1', [listId]);
      await tx.query("DELETE FROM mapping_lists WHERE list_id = $1 AND status = 'staged'", [listId]);
    });
  }

  /**
   * Makes a staged list its owner's current list in one transaction: the previous current list
   * is marked replaced and its accounts and rejections deleted. Readers see the old list or the
   * new one, never a mix.
   */
  async activate(listId: string, ownerKey: string, streamVersion: number, at: Date): Promise<string[]> {
    return this.db.transaction(async (tx: SqlSession) => {
      const old = await tx.query<{ list_id: string }>(
        `UPDATE mapping_lists SET status = 'replaced', packed = NULL
         WHERE owner_key = $1 AND status = 'current' AND list_id <> $2 RETURNING list_id`,
        [ownerKey, listId],
      );
      const oldIds = old.rows.map((r) => r.list_id);
      if (oldIds.length > 0) {
        await tx.query('DELETE FROM mapping_accounts WHERE list_id = ANY($1::uuid[])', [oldIds]);
        await tx.query('DELETE FROM mapping_rejections WHERE list_id = ANY($1::uuid[])', [oldIds]);
      }
      await tx.query(
        `UPDATE mapping_lists SET status = 'current', stream_version = $2, imported_at = $3 WHERE list_id = $1`,
        [listId, streamVersion, at],
      );
      return oldIds;
    });
  }

  /** Any list by id, whatever its status (a replaced list keeps its row, not its accounts). */
  async list(listId: string): Promise<ListRow | undefined> {
    const rows = await this.db.query<ListRow>(
      `SELECT ${LIST_COLUMNS} FROM mapping_lists WHERE list_id = $1`,
      [listId],
    );
    return rows[0];
  }

  async current(ownerKey: string): Promise<ListRow | undefined> {
    const rows = await this.db.query<ListRow>(
      `SELECT ${LIST_COLUMNS} FROM mapping_lists WHERE owner_key = $1 AND status = 'current'`,
      [ownerKey],
    );
    return rows[0];
  }

  async currentLists(): Promise<ListRow[]> {
    return this.db.query<ListRow>(
      `SELECT ${LIST_COLUMNS} FROM mapping_lists WHERE status = 'current' ORDER BY owner_key`,
    );
  }

  async stagedLists(): Promise<ListRow[]> {
    return this.db.query<ListRow>(`SELECT ${LIST_COLUMNS} FROM mapping_lists WHERE status = 'staged'`);
  }

  async packed(listId: string): Promise<Buffer | null> {
    const rows = await this.db.query<{ packed: Buffer | null }>(
      'SELECT packed FROM mapping_lists WHERE list_id = $1',
      [listId],
    );
    return rows[0]?.packed ?? null;
  }

  async savePacked(listId: string, packed: Buffer, fingerprint: string): Promise<void> {
    await this.db.query('UPDATE mapping_lists SET packed = $2, key_fingerprint = $3 WHERE list_id = $1', [
      listId,
      packed,
      fingerprint,
    ]);
  }

  async rejections(listId: string, limit: number): Promise<RowError[]> {
    const rows = await this.db.query<{ line: number; col: string; reason: string }>(
      'SELECT line, col, reason FROM mapping_rejections WHERE list_id = $1 ORDER BY seq LIMIT $2',
      [listId, limit],
    );
    return rows.map((r) => ({ line: r.line, column: r.col, reason: r.reason }));
  }

  async accounts(listId: string, afterRowNo: number, limit: number): Promise<AccountRowView[]> {
    return this.db.query<AccountRowView>(
      `SELECT row_no, line, population, name, domain, tax_id, country, external_id FROM mapping_accounts
       WHERE list_id = $1 AND row_no > $2 ORDER BY row_no LIMIT $3`,
      [listId, afterRowNo, limit],
    );
  }

  async accountsByRow(listId: string, rowNos: readonly number[]): Promise<Map<number, AccountRowView>> {
    if (rowNos.length === 0) return new Map();
    const rows = await this.db.query<AccountRowView>(
      `SELECT row_no, line, population, name, domain, tax_id, country, external_id FROM mapping_accounts
       WHERE list_id = $1 AND row_no = ANY($2::int4[])`,
      [listId, rowNos],
    );
    return new Map(rows.map((r) => [r.row_no, r]));
  }

  /** The raw columns of a plain list, to rehash its keys under a new secret. */
  async rawKeys(listId: string): Promise<AccountRowView[]> {
    return this.db.query<AccountRowView>(
      `SELECT row_no, line, population, name, domain, tax_id, country, external_id FROM mapping_accounts
       WHERE list_id = $1 ORDER BY row_no`,
      [listId],
    );
  }
}
