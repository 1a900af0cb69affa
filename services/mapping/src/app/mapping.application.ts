import { createHash, randomUUID } from 'node:crypto';
import {
  parseEventData,
  type DataOf,
  type EventToAppend,
  type Quadrant,
  type RecordedEvent,
} from '@prm/contracts';
import { migrate, type Database } from '@prm/database';
import {
  DomainError,
  isUuid,
  replayedRequest,
  requestHash,
  requestIdProblem,
  requestMetadata,
  uuidV5,
  Violations,
  type IdempotentRequest,
} from '@prm/domain';
import { handleCommand, WrongExpectedVersionError, type EventStore } from '@prm/event-store';
import { domainKey, nameCountryKeys } from '@prm/normalization';
import {
  appendPacked,
  appendVariants,
  atLeast,
  cellVisibility,
  deserializePacked,
  emptyPackedList,
  KEY_KINDS,
  ListIndex,
  OverlapEngine,
  POPULATIONS,
  serializePacked,
  sharingDecider,
  type AccountKeys,
  type CsvReadResult,
  type ImportEncoding,
  type OverlapComponent,
  type OverlapCounts,
  type PackedList,
  type Population,
  type PopulationCode,
  type RowError,
  type SetSharingPolicy,
  type ShareLevel,
  type SharingPolicyChanged,
  type SharingState,
  type Side,
} from '../domain';
import {
  AccountListRepository,
  type AccountBatch,
  type AccountRowView,
  type ListRow,
} from './account-list.repository';
import { OverlapThreads } from './overlap-threads';
import { csvBatchesInThread, csvBatchesInWorker, workerAvailable, type CsvBatchSink } from './csv-batches';
import { mappingMigrations } from './mapping.migrations';
import { mappingPartnerViewProjection } from './partner-view.projection';
import { MatchKeyHasher } from './match-key-hasher';
import { accountListStream, overlapsStream, sharingPolicyStream, VENDOR_OWNER } from './streams';

/** Who sends a request, as the gateway or an internal caller states it. */
export interface Actor {
  id: string;
  role: 'vendor_admin' | 'pam' | 'partner_user' | 'service';
  correlationId?: string;
  /** For a partner user: the partner it belongs to (it may see nothing else). */
  partnerId?: string;
}

export interface MappingApplicationOptions {
  /** The clock; injected so tests control time. */
  now?: () => Date;
  /**
   * Per-deployment secret (≥ 16 bytes) of the keyed hashes every match key is stored as.
   * Without it privacy mode is refused (FAILED_PRECONDITION) and keys are hashed with a
   * built-in key.
   */
  hmacSecret?: string;
  /** Largest account-list file accepted, in bytes (default 256 MiB). */
  maxImportBytes?: number;
  /** Accounts written per INSERT (default 5000). */
  insertBatchRows?: number;
  /**
   * Read, check and hash CSV files on a worker thread, beside the database writes (default true;
   * false reads them on the calling thread).
   */
  importInWorker?: boolean;
  /**
   * Compute the full overlap matrix on two threads, a worker thread taking about half the
   * partners over the same shared indexes (default true; false computes it on the calling
   * thread). One partner's recompute always runs on the calling thread.
   */
  overlapInWorker?: boolean;
  /** Bad rows returned and stored per import at most (all are counted; default 10,000). */
  maxReportedRejections?: number;
  /**
   * The partner-health quadrant of a partner, once the metrics context provides it: deal
   * acceleration ranks partners by it after the match strength. Absent: not used.
   */
  quadrantOf?: (partnerId: string) => Quadrant | undefined;
  log?: (line: string) => void;
}

export type ListOwner = { owner: 'vendor' } | { owner: 'partner'; partnerId: string };

export interface ImportInput {
  owner: 'vendor' | 'partner' | string;
  partnerId?: string;
  /** The CSV bytes, in one piece or streamed. */
  content: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  encoding?: ImportEncoding | string;
  /** Store only keyed hashes of the match keys (no names, domains, tax ids). */
  privacyMode?: boolean;
  /**
   * The caller's id for this import, to follow its progress with importStatus; also its
   * idempotency key: an import that committed under it (recorded in its AccountListImported, so
   * a restart keeps it) is answered again for the same options and bytes, and another request
   * under it is ALREADY_EXISTS. A failed import commits nothing and may be sent again under it.
   */
  importId?: string;
  /**
   * The end-to-end checks the client sent (data rows, hex SHA-256 of the bytes), read once the
   * content has ended (an upload may send them last); the import commits only when they match.
   */
  expected?: () => { rowCount?: number; sha256?: string };
  /** Fires when the transport broke (cancelled / reset / idle upload): nothing may commit then. */
  signal?: AbortSignal;
}

export interface ImportProgress {
  importId: string;
  ownerKey: string;
  phase: 'reading' | 'activating' | 'matching' | 'done' | 'failed';
  bytesRead: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

export interface ImportResult {
  /** The client's importId, or the one generated for this import. */
  importId: string;
  listId: string;
  replacesListId: string | null;
  owner: 'vendor' | 'partner';
  partnerId: string | null;
  privacyMode: boolean;
  format: string;
  encoding: string;
  accountCount: number;
  rejectedCount: number;
  populations: Record<Population, number>;
  keyCoverage: { taxId: number; domain: number; name: number };
  /** Every bad row (up to maxReportedRejections): line, column, reason. */
  rejections: RowError[];
  rejectionsTruncated: boolean;
  version: number;
  /** Partners whose overlaps were recomputed (and OverlapsComputed appended). */
  recomputedPartners: number;
  recomputeMs: number;
}

interface LoadedList {
  listId: string;
  ownerKey: string;
  partnerId: string | null;
  privacyMode: boolean;
  index: ListIndex;
}

export interface ComputedOverlap {
  partnerId: string;
  computationId: string;
  vendorListId: string;
  partnerListId: string;
  vendorAccountCount: number;
  partnerAccountCount: number;
  counts: OverlapCounts;
  computedAt: string;
}

export type Viewer = { side: 'vendor' } | { side: 'partner'; partnerId: string };

export interface MatrixCell {
  vendorPopulation: Population;
  partnerPopulation: Population;
  /** What the viewer may see of this cell: none (count hidden), counts, accounts. */
  visibility: ShareLevel;
  /** 0 when hidden. */
  count: number;
}

export interface OverlapMatrix {
  partnerId: string;
  viewer: Side;
  computationId: string;
  computedAt: string;
  vendorListId: string;
  partnerListId: string;
  cells: MatrixCell[];
  /** By strongest key; only when every cell is visible to the viewer (else it would leak hidden counts). */
  matchedOn?: { taxId: number; domain: number; name: number };
}

export interface AccountView {
  rowNo: number;
  line: number;
  population: Population;
  /** True when the list is stored in privacy mode: only the population is known. */
  hashedOnly: boolean;
  name: string;
  domain: string;
  taxId: string;
  country: string;
  externalId: string;
}

export interface OverlapAccountsPage {
  items: Array<{ matchedOn: string; vendorAccounts: AccountView[]; partnerAccounts: AccountView[] }>;
  total: number;
  nextPageToken: string;
}

export interface AccelerationItem {
  vendorAccounts: AccountView[];
  partners: Array<{
    partnerId: string;
    matchedOn: string;
    quadrant: Quadrant | null;
    partnerAccounts: AccountView[];
  }>;
}

const VENDOR_ROLES = new Set(['vendor_admin', 'pam', 'service']);
const QUADRANT_RANK: Record<Quadrant, number> = { retain: 0, grow: 1, harvest: 2, exit: 3 };
const KEY_NAMES = ['taxId', 'domain', 'name'] as const;

/** Namespace of the request ids of imports sent under a client's importId (UUID v5). */
const IMPORT_REQUEST_NAMESPACE = '0b9f3c1e-8a4d-5e27-b6c3-5d2a7e9f1c40';

/** A per-key promise chain: imports of one owner run one after the other. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * The mapping service's application layer: imports account lists (streamed CSV → staged rows →
 * AccountListImported → atomic swap), keeps every current list indexed in memory, computes the
 * vendor × partner overlap matrix (OverlapsComputed, counts only), and answers what each side
 * may see under the sharing policies.
 */
export class MappingApplication {
  private readonly repo: AccountListRepository;
  private readonly hasher: MatchKeyHasher;
  readonly now: () => Date;
  private readonly log: (line: string) => void;
  private vendor?: LoadedList;
  private engine?: OverlapEngine;
  private readonly partners = new Map<string, LoadedList>();
  private readonly overlaps = new Map<string, ComputedOverlap>();
  private readonly progress = new Map<string, ImportProgress>();
  private readonly staleLists = new Set<string>();
  private readonly staleOwners = new Set<string>();
  private readonly locks = new KeyedLock();
  private readonly threads = new OverlapThreads();

  private constructor(
    private readonly store: EventStore,
    readonly db: Database,
    private readonly options: MappingApplicationOptions,
  ) {
    this.repo = new AccountListRepository(db);
    this.hasher = new MatchKeyHasher(options.hmacSecret);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
  }

  /** Migrates, finishes or drops imports a crash left staged, loads every current list into memory. */
  static async create(
    store: EventStore,
    db: Database,
    options: MappingApplicationOptions = {},
  ): Promise<MappingApplication> {
    await migrate(db, 'mapping', mappingMigrations);
    // The partner view's tables (its projection runs beside the service) so a command never meets them missing.
    await migrate(
      db,
      `projection:${mappingPartnerViewProjection.name}`,
      mappingPartnerViewProjection.migrations,
    );
    const app = new MappingApplication(store, db, options);
    await app.recoverStaged();
    await app.loadCurrentLists();
    return app;
  }

  // ---------------------------------------------------------------- loading

  private async recoverStaged(): Promise<void> {
    for (const staged of await this.repo.stagedLists()) {
      const history = await this.store.readStream(accountListStream(staged.owner_key));
      const imported = history.find(
        (e) => e.type === 'AccountListImported' && (e.data as { listId?: string }).listId === staged.list_id,
      );
      if (imported) {
        // The event was appended but the process stopped before the swap: finish it.
        await this.repo.activate(
          staged.list_id,
          staged.owner_key,
          imported.streamVersion,
          imported.recordedAt,
        );
        this.log(`mapping: activated list ${staged.list_id} of ${staged.owner_key} left staged by a crash`);
      } else {
        await this.repo.discardStaged(staged.list_id);
        this.log(`mapping: dropped unfinished import ${staged.list_id} of ${staged.owner_key}`);
      }
    }
  }

  private async loadCurrentLists(): Promise<void> {
    for (const row of await this.repo.currentLists()) {
      const list = await this.loadPacked(row);
      if (!list) continue;
      this.install(row, list);
    }
    this.recomputeAll();
  }

  /** The list's packed keys, rehashed from its raw columns when they were hashed under another secret. */
  private async loadPacked(row: ListRow): Promise<PackedList | undefined> {
    const blob = await this.repo.packed(row.list_id);
    if (!blob) return undefined;
    if (row.key_fingerprint === this.hasher.fingerprint) return deserializePacked(blob);
    if (row.privacy_mode) {
      this.staleLists.add(row.list_id);
      this.staleOwners.add(row.owner_key);
      this.log(
        `mapping: list ${row.list_id} of ${row.owner_key} was hashed with another secret and is stored ` +
          'only as hashes; it is left out of matching until it is imported again',
      );
      return undefined;
    }
    const packed = emptyPackedList(row.account_count);
    const keys = new Int32Array(6);
    for (const account of await this.repo.rawKeys(row.list_id)) {
      const accountKeys = keysOfStoredRow(account);
      this.hasher.hashInto(accountKeys, keys, 0);
      if (accountKeys.nameVariants)
        appendVariants(packed, packed.size, this.hasher.variantPairs(accountKeys));
      appendPacked(packed, account.population as PopulationCode, keys);
    }
    await this.repo.savePacked(row.list_id, serializePacked(packed), this.hasher.fingerprint);
    this.log(`mapping: rehashed list ${row.list_id} of ${row.owner_key} under the current secret`);
    return packed;
  }

  private install(
    row: Pick<ListRow, 'list_id' | 'owner_key' | 'partner_id' | 'privacy_mode'>,
    packed: PackedList,
  ) {
    const isVendor = row.owner_key === VENDOR_OWNER;
    const loaded: LoadedList = {
      listId: row.list_id,
      ownerKey: row.owner_key,
      partnerId: row.partner_id,
      privacyMode: row.privacy_mode,
      index: ListIndex.build(packed, { tables: isVendor }),
    };
    this.staleOwners.delete(row.owner_key);
    if (isVendor) {
      this.vendor = loaded;
      this.engine = new OverlapEngine(loaded.index);
    } else {
      this.partners.set(row.owner_key, loaded);
    }
  }

  /** Recomputes one partner's cells in memory (no event). */
  private recompute(partnerId: string): ComputedOverlap | undefined {
    const partner = this.partners.get(partnerId);
    if (!this.engine || !this.vendor || !partner) {
      this.overlaps.delete(partnerId);
      return undefined;
    }
    const computed: ComputedOverlap = {
      partnerId,
      computationId: randomUUID(),
      vendorListId: this.vendor.listId,
      partnerListId: partner.listId,
      vendorAccountCount: this.vendor.index.size,
      partnerAccountCount: partner.index.size,
      counts: this.engine.compute(partner.index),
      computedAt: this.now().toISOString(),
    };
    this.overlaps.set(partnerId, computed);
    return computed;
  }

  /** Recomputes every partner's cells against the vendor's list (one radix-partitioned pass); returns them. */
  recomputeAll(): ComputedOverlap[] {
    const vendor = this.vendor;
    const engine = this.engine;
    if (!vendor || !engine) {
      this.overlaps.clear();
      return [];
    }
    const partners = [...this.partners.values()];
    const indexes = partners.map((p) => p.index);
    const counts =
      this.options.overlapInWorker !== false
        ? this.threads.computeAll(engine, indexes)
        : engine.computeAll(indexes);
    const computedAt = this.now().toISOString();
    return partners.map((partner, i) => {
      const computed: ComputedOverlap = {
        partnerId: partner.ownerKey,
        computationId: randomUUID(),
        vendorListId: vendor.listId,
        partnerListId: partner.listId,
        vendorAccountCount: vendor.index.size,
        partnerAccountCount: partner.index.size,
        counts: counts[i]!,
        computedAt,
      };
      this.overlaps.set(partner.ownerKey, computed);
      return computed;
    });
  }

  /** Lists in memory, for tests, the runtime's health page and the benchmark. */
  stats(): { vendorAccounts: number; partnerLists: number; partnerAccounts: number; staleLists: number } {
    let partnerAccounts = 0;
    for (const p of this.partners.values()) partnerAccounts += p.index.size;
    return {
      vendorAccounts: this.vendor?.index.size ?? 0,
      partnerLists: this.partners.size,
      partnerAccounts,
      staleLists: this.staleLists.size,
    };
  }

  // ---------------------------------------------------------------- import

  private metadata(actor: Actor) {
    return {
      correlationId: actor.correlationId || randomUUID(),
      causationId: null,
      actor: actor.id,
      occurredAt: this.now().toISOString(),
    };
  }

  private ownerOf(
    owner: string,
    partnerId: string | undefined,
  ): { ownerKey: string; partnerId: string | null } {
    if (owner === 'vendor') {
      if (partnerId)
        throw DomainError.invalid([{ field: 'partnerId', reason: 'must be empty for the vendor’s list' }]);
      return { ownerKey: VENDOR_OWNER, partnerId: null };
    }
    if (owner === 'partner') {
      if (!partnerId)
        throw DomainError.invalid([{ field: 'partnerId', reason: 'is required for a partner’s list' }]);
      if (!isUuid(partnerId)) throw DomainError.invalid([{ field: 'partnerId', reason: 'must be a UUID' }]);
      return { ownerKey: partnerId.toLowerCase(), partnerId: partnerId.toLowerCase() };
    }
    throw DomainError.invalid([{ field: 'owner', reason: 'must be vendor or partner' }]);
  }

  /** Refuses a partner-scoped command for a partner mapping never heard of (from prm.partners.events.v1). */
  private async requirePartnerKnown(partnerId: string | null): Promise<void> {
    if (!partnerId) return;
    const rows = await this.db.query('SELECT 1 FROM mapping_partners WHERE partner_id = $1', [partnerId]);
    if (rows.length === 0)
      throw DomainError.notFound(
        `partner ${partnerId} does not exist (or its registration has not reached mapping yet)`,
        {
          partnerId,
        },
      );
  }

  /** Whether the PAM runs the partner now (the partner view, from PamAssigned). */
  async pamRuns(pamId: string, partnerId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM mapping_partners WHERE partner_id = $1 AND pam_id = $2', [
      partnerId.toLowerCase(),
      pamId,
    ]);
    return rows.length > 0;
  }

  /** The partner whose list an import (known to this instance) is for; undefined for the vendor's or an unknown one. */
  importPartner(importId: string): string | undefined {
    const ownerKey = this.progress.get(importId)?.ownerKey;
    return ownerKey && ownerKey !== VENDOR_OWNER ? ownerKey : undefined;
  }

  /** Who may import or read an owner's own list: the owner (a partner user of that partner) or the vendor's staff. */
  private requireOwnerAccess(actor: Actor, ownerKey: string): void {
    if (actor.role === 'partner_user') {
      if (ownerKey === VENDOR_OWNER || actor.partnerId?.toLowerCase() !== ownerKey)
        throw DomainError.permissionDenied('a partner user may touch only its own partner’s account list');
    } else if (!VENDOR_ROLES.has(actor.role)) {
      throw DomainError.permissionDenied(`role ${actor.role} may not do this`);
    }
  }

  /**
   * Imports an owner's account list from CSV and replaces its current list atomically. Bad
   * rows are reported (line, column, reason) and left out; a file that cannot be read as a
   * whole is refused and nothing changes.
   */
  async importAccountList(input: ImportInput, actor: Actor): Promise<ImportResult> {
    const { ownerKey, partnerId } = this.ownerOf(input.owner, input.partnerId);
    this.requireOwnerAccess(actor, ownerKey);
    await this.requirePartnerKnown(partnerId);
    const encoding = (input.encoding || 'auto') as ImportEncoding;
    if (!['auto', 'utf-8', 'windows-1251'].includes(encoding)) {
      throw DomainError.invalid([{ field: 'encoding', reason: 'must be auto, utf-8 or windows-1251' }]);
    }
    const privacyMode = input.privacyMode ?? false;
    if (privacyMode && !this.hasher.keyed) {
      throw DomainError.precondition(
        'privacy mode needs the per-deployment hashing secret, which this deployment does not configure; ' +
          'import without privacy mode or configure the secret',
      );
    }
    const clientImportId = input.importId || undefined;
    if (clientImportId !== undefined) {
      const problem = requestIdProblem(clientImportId);
      if (problem) throw DomainError.invalid([{ field: 'importId', reason: problem }]);
    }
    const importId = clientImportId ?? randomUUID();
    // The request an importId stands for: the owner's list, the options, the bytes (hashed as read).
    const requestId =
      clientImportId === undefined
        ? undefined
        : uuidV5(`${ownerKey}|${clientImportId}`, IMPORT_REQUEST_NAMESPACE);
    const requestOf = (contentSha256: string): IdempotentRequest | undefined =>
      requestId === undefined
        ? undefined
        : {
            id: requestId,
            hash: requestHash({ ownerKey, encoding, privacyMode, contentSha256 }),
            field: 'importId',
          };
    const progress: ImportProgress = {
      importId,
      ownerKey,
      phase: 'reading',
      bytesRead: 0,
      rowsRead: 0,
      accepted: 0,
      rejected: 0,
      startedAt: this.now().toISOString(),
    };
    this.progress.set(importId, progress);
    // Keep the progress of the last 1000 imports only.
    if (this.progress.size > 1000) this.progress.delete(this.progress.keys().next().value!);
    const content = input.content;
    const digest = createHash('sha256');
    let contentSha256: string | undefined;
    const sha256 = () => (contentSha256 ??= digest.digest('hex'));
    const chunks = (async function* () {
      for await (const chunk of content instanceof Uint8Array ? [content] : content) {
        digest.update(chunk);
        yield chunk;
      }
    })();
    const read: Partial<CsvReadResult> = {};
    const maxBytes = this.options.maxImportBytes ?? 256 * 1024 * 1024;
    const rejections: RowError[] = [];
    const maxRejections = this.options.maxReportedRejections ?? 10_000;
    let rejectedCount = 0;
    const sink: CsvBatchSink = {
      progress: (p) => {
        Object.assign(progress, p);
        rejectedCount = p.rejected;
      },
      rejected: (errors) => {
        for (const e of errors) if (rejections.length < maxRejections) rejections.push(e);
      },
      result: read,
    };
    const csvOptions = { encoding, maxBytes, privacyMode, secret: this.options.hmacSecret };
    const batches = () =>
      this.options.importInWorker !== false && workerAvailable()
        ? csvBatchesInWorker(chunks, csvOptions, sink)
        : csvBatchesInThread(chunks, csvOptions, sink, this.hasher);
    // Runs after the whole file was read and staged, just before the event that makes it current.
    const beforeCommit = () => {
      if (input.signal?.aborted) throw input.signal.reason;
      const expected = input.expected?.() ?? {};
      const v = new Violations();
      if (expected.rowCount !== undefined && expected.rowCount !== 0)
        v.check(
          expected.rowCount === progress.rowsRead,
          'rowCount',
          `the client sent ${expected.rowCount} rows but ${progress.rowsRead} arrived; nothing was imported`,
        );
      if (expected.sha256) {
        const actual = sha256();
        v.check(
          expected.sha256.toLowerCase() === actual,
          'sha256',
          `the bytes that arrived hash to ${actual}, not to the client's checksum; nothing was imported`,
        );
      }
      v.throwIfAny();
    };
    try {
      // Inside the owner's lock, so concurrent sends of one importId wait for the first.
      const result = await this.locks.run(ownerKey, async () => {
        const first = requestId === undefined ? undefined : await this.importedUnder(ownerKey, requestId);
        if (first)
          return this.replayImport(first, chunks, maxBytes, input.signal, sha256, requestOf, progress);
        return this.ingest(
          {
            ownerKey,
            partnerId,
            privacyMode,
            source: 'csv',
            actor,
            progress,
            beforeCommit,
            importId: clientImportId,
            request: () => requestOf(sha256()),
          },
          batches(),
          () => ({
            format: read.columns?.format ?? 'generic',
            encoding: read.encoding ?? 'utf-8',
            rejections,
            rejectedCount,
          }),
        );
      });
      progress.phase = 'done';
      progress.finishedAt = this.now().toISOString();
      return result;
    } catch (error) {
      progress.phase = 'failed';
      progress.error = error instanceof Error ? error.message : String(error);
      progress.finishedAt = this.now().toISOString();
      throw error;
    }
  }

  /**
   * Bulk load of accounts whose keys are hashed already (the benchmark's synthetic lists):
   * the same staged write, event and swap as a CSV import.
   */
  async importAccountBatches(
    owner: ListOwner,
    batches: AsyncIterable<AccountBatch> | Iterable<AccountBatch>,
    actor: Actor,
    options: { privacyMode?: boolean } = {},
  ): Promise<ImportResult> {
    const { ownerKey, partnerId } = this.ownerOf(
      owner.owner,
      owner.owner === 'partner' ? owner.partnerId : undefined,
    );
    this.requireOwnerAccess(actor, ownerKey);
    const progress: ImportProgress = {
      importId: randomUUID(),
      ownerKey,
      phase: 'reading',
      bytesRead: 0,
      rowsRead: 0,
      accepted: 0,
      rejected: 0,
      startedAt: this.now().toISOString(),
    };
    return this.locks.run(ownerKey, () =>
      this.ingest(
        { ownerKey, partnerId, privacyMode: options.privacyMode ?? false, source: 'manual', actor, progress },
        batches,
        () => ({ format: 'generic', encoding: 'utf-8', rejections: [], rejectedCount: 0 }),
      ),
    );
  }

  private async ingest(
    meta: {
      ownerKey: string;
      partnerId: string | null;
      privacyMode: boolean;
      source: 'csv' | 'manual';
      actor: Actor;
      progress: ImportProgress;
      /** Throws to refuse the import once everything is read and staged, before it commits. */
      beforeCommit?: () => void;
      /** The client's importId, recorded in the event. */
      importId?: string;
      /** The idempotent request it stands for (once the content is read), recorded in the metadata. */
      request?: () => IdempotentRequest | undefined;
    },
    batches: AsyncIterable<AccountBatch> | Iterable<AccountBatch>,
    outcome: () => { format: string; encoding: string; rejections: RowError[]; rejectedCount: number },
  ): Promise<ImportResult> {
    const { ownerKey, partnerId, privacyMode, actor, progress } = meta;
    const stream = accountListStream(ownerKey);
    const expected = await this.store.streamVersion(stream);
    const listId = randomUUID();
    await this.repo.createStaged({
      listId,
      ownerKey,
      partnerId,
      privacyMode,
      source: meta.source,
      format: 'generic',
      encoding: null,
      fingerprint: this.hasher.fingerprint,
    });
    const packed = emptyPackedList(1024);
    const populations: [number, number, number] = [0, 0, 0];
    const coverage: [number, number, number] = [0, 0, 0];
    const insertRows = this.options.insertBatchRows ?? 5000;
    let pending: AccountBatch[] = [];
    let pendingRows = 0;
    let written = 0;
    // INSERTs in flight while the next rows are parsed and hashed (PGlite runs one at a time anyway).
    const maxInflight = this.db.kind === 'postgres' ? 2 : 1;
    const writing: Array<Promise<void>> = [];
    const settleWrites = () => Promise.allSettled(writing.splice(0));
    const flush = async () => {
      if (pendingRows === 0) return;
      const merged = mergeBatches(pending, pendingRows);
      pending = [];
      pendingRows = 0;
      const from = written;
      written += merged.count;
      if (writing.length >= maxInflight) await writing.shift();
      const write = this.repo.writeAccounts(listId, from, merged);
      write.catch(() => undefined);
      writing.push(write);
    };
    let activated = false;
    try {
      for await (const batch of batches) {
        const firstAccount = packed.size;
        for (let i = 0; i < batch.count; i++) {
          const pop = batch.population[i] as PopulationCode;
          populations[pop]++;
          for (let k = 0; k < 3; k++)
            if ((batch.keys[i * 6 + k * 2] | batch.keys[i * 6 + k * 2 + 1]) !== 0) coverage[k]++;
          appendPacked(packed, pop, batch.keys.subarray(i * 6, i * 6 + 6));
        }
        const variantRow = batch.variantRow;
        for (let e = 0; e < (variantRow?.length ?? 0); e++)
          appendVariants(
            packed,
            firstAccount + variantRow![e]!,
            batch.variantKeys!.subarray(e * 2, e * 2 + 2),
          );
        if (meta.source !== 'csv') {
          progress.rowsRead += batch.count;
          progress.accepted += batch.count;
        }
        pending.push(batch);
        pendingRows += batch.count;
        if (pendingRows >= insertRows) await flush();
      }
      await flush();
      const written_ = await Promise.allSettled(writing.splice(0));
      for (const w of written_) if (w.status === 'rejected') throw w.reason;
      const { format, encoding, rejections, rejectedCount } = outcome();
      if (packed.size === 0) {
        throw new DomainError(
          'INVALID_ARGUMENT',
          rejectedCount > 0
            ? `file: no row could be imported, all ${rejectedCount} rows are bad (` +
                rejections
                  .slice(0, 5)
                  .map((r) => `line ${r.line}${r.column ? `, ${r.column}` : ''}: ${r.reason}`)
                  .join('; ') +
                `${rejectedCount > 5 ? '; …' : ''}); nothing was imported`
            : 'file: has a header but no accounts; nothing was imported',
          [
            {
              field: 'file',
              reason: rejectedCount > 0 ? `all ${rejectedCount} rows are bad` : 'has no accounts',
            },
          ],
          { rejections: rejections.slice(0, 100) },
        );
      }
      const storedRejections = privacyMode
        ? rejections.map((r) => ({ ...r, reason: r.reason.replace(/"[^"]*"/g, '(value not stored)') }))
        : rejections;
      await this.repo.writeRejections(listId, storedRejections);
      const populationCounts = {
        customer: populations[0],
        opportunity: populations[1],
        prospect: populations[2],
      };
      const keyCoverage = { domain: coverage[1], taxId: coverage[0], name: coverage[2] };
      await this.repo.completeStaged(listId, {
        accountCount: packed.size,
        rejectedCount,
        populations: populationCounts,
        keyCoverage,
        packed: serializePacked(packed),
        importedBy: actor.id,
        encoding: meta.source === 'csv' ? encoding : null,
        format,
      });
      const previous = ownerKey === VENDOR_OWNER ? this.vendor : this.partners.get(ownerKey);
      const replacesListId = previous?.listId ?? (await this.repo.current(ownerKey))?.list_id ?? null;
      const data = parseEventData('AccountListImported', 1, {
        listId,
        owner: ownerKey === VENDOR_OWNER ? 'vendor' : 'partner',
        partnerId,
        replacesListId,
        source: meta.source,
        accountCount: packed.size,
        rejectedCount,
        populations: populationCounts,
        keyCoverage,
        ...(meta.importId !== undefined && { importId: meta.importId }),
      });
      meta.beforeCommit?.();
      progress.phase = 'activating';
      const appended = await this.store.append(
        stream,
        [
          {
            id: randomUUID(),
            type: 'AccountListImported',
            schemaVersion: 1,
            data,
            metadata: { ...this.metadata(actor), ...requestMetadata(meta.request?.()) },
          },
        ],
        expected === null ? 'no-stream' : expected,
      );
      activated = true;
      await this.repo.activate(listId, ownerKey, appended.nextExpectedVersion, this.now());
      progress.phase = 'matching';
      const started = performance.now();
      this.install(
        { list_id: listId, owner_key: ownerKey, partner_id: partnerId, privacy_mode: privacyMode },
        packed,
      );
      const recomputed =
        ownerKey === VENDOR_OWNER ? this.recomputeAll() : [this.recompute(ownerKey)].filter((c) => !!c);
      const recomputeMs = performance.now() - started;
      await this.publishOverlaps(recomputed, actor);
      return {
        importId: progress.importId,
        listId,
        replacesListId,
        owner: ownerKey === VENDOR_OWNER ? 'vendor' : 'partner',
        partnerId,
        privacyMode,
        format,
        encoding: meta.source === 'csv' ? encoding : '',
        accountCount: packed.size,
        rejectedCount,
        populations: populationCounts,
        keyCoverage: { taxId: coverage[0], domain: coverage[1], name: coverage[2] },
        rejections,
        rejectionsTruncated: rejections.length < rejectedCount,
        version: appended.nextExpectedVersion,
        recomputedPartners: recomputed.length,
        recomputeMs,
      };
    } catch (error) {
      await settleWrites();
      if (!activated) await this.repo.discardStaged(listId).catch(() => undefined);
      throw error;
    }
  }

  /** Appends OverlapsComputed (counts only) for each computation, with optimistic concurrency per partner. */
  private async publishOverlaps(computed: readonly ComputedOverlap[], actor: Actor): Promise<void> {
    const metadata = this.metadata(actor);
    await Promise.all(
      computed.map(async (c) => {
        const data = parseEventData('OverlapsComputed', 1, {
          partnerId: c.partnerId,
          computationId: c.computationId,
          vendorListId: c.vendorListId,
          partnerListId: c.partnerListId,
          vendorAccountCount: c.vendorAccountCount,
          partnerAccountCount: c.partnerAccountCount,
          cells: cellsOf(c.counts),
          matchedOn: {
            taxId: c.counts.matchedOn[0],
            domain: c.counts.matchedOn[1],
            name: c.counts.matchedOn[2],
          },
        });
        const event: EventToAppend = {
          id: randomUUID(),
          type: 'OverlapsComputed',
          schemaVersion: 1,
          data,
          metadata,
        };
        for (let attempt = 1; ; attempt++) {
          const version = await this.store.streamVersion(overlapsStream(c.partnerId));
          try {
            await this.store.append(
              overlapsStream(c.partnerId),
              [event],
              version === null ? 'no-stream' : version,
            );
            return;
          } catch (error) {
            if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
          }
        }
      }),
    );
  }

  /** The AccountListImported an idempotent import committed, from the owner's stream (survives restarts). */
  private async importedUnder(ownerKey: string, requestId: string): Promise<RecordedEvent | undefined> {
    const history = await this.store.readStream(accountListStream(ownerKey));
    return history.find((e) => e.type === 'AccountListImported' && e.metadata.requestId === requestId);
  }

  /**
   * An import sent again under an importId that committed: the bytes are read (only hashed,
   * nothing is staged) to tell a retry from another request under the same id; a retry gets the
   * first import's answer, from its event and its list's row.
   */
  private async replayImport(
    first: RecordedEvent,
    chunks: AsyncIterable<Uint8Array>,
    maxBytes: number,
    signal: AbortSignal | undefined,
    sha256: () => string,
    requestOf: (contentSha256: string) => IdempotentRequest | undefined,
    progress: ImportProgress,
  ): Promise<ImportResult> {
    for await (const chunk of chunks) {
      progress.bytesRead += chunk.byteLength;
      if (progress.bytesRead > maxBytes)
        throw DomainError.invalid([{ field: 'file', reason: `is larger than ${maxBytes} bytes` }]);
    }
    if (signal?.aborted) throw signal.reason;
    replayedRequest([first], requestOf(sha256())!, 'account-list import', 'within');
    const data = first.data as DataOf<'AccountListImported'>;
    const row = await this.repo.list(data.listId);
    const rejections = await this.repo.rejections(data.listId, this.options.maxReportedRejections ?? 10_000);
    Object.assign(progress, {
      rowsRead: data.accountCount + data.rejectedCount,
      accepted: data.accountCount,
    });
    progress.rejected = data.rejectedCount;
    return {
      importId: progress.importId,
      listId: data.listId,
      replacesListId: data.replacesListId ?? null,
      owner: data.owner,
      partnerId: data.partnerId,
      privacyMode: row?.privacy_mode ?? false,
      format: row?.format ?? 'generic',
      encoding: row?.encoding ?? '',
      accountCount: data.accountCount,
      rejectedCount: data.rejectedCount,
      populations: data.populations,
      keyCoverage: data.keyCoverage ?? { taxId: 0, domain: 0, name: 0 },
      rejections,
      rejectionsTruncated: rejections.length < data.rejectedCount,
      version: first.streamVersion,
      recomputedPartners: 0,
      recomputeMs: 0,
    };
  }

  /** Progress of an import (bytes and rows read, accepted, rejected, phase), while it runs and after. */
  importStatus(importId: string, actor: Actor): ImportProgress {
    const progress = this.progress.get(importId);
    if (!progress) throw DomainError.notFound(`import ${importId} is not known to this instance`);
    this.requireOwnerAccess(actor, progress.ownerKey);
    return { ...progress };
  }

  // ---------------------------------------------------------------- lists

  async accountList(owner: string, partnerId: string | undefined, actor: Actor) {
    const { ownerKey } = this.ownerOf(owner, partnerId);
    this.requireOwnerAccess(actor, ownerKey);
    const row = await this.repo.current(ownerKey);
    if (!row)
      throw DomainError.notFound(
        `${ownerKey === VENDOR_OWNER ? 'the vendor' : `partner ${ownerKey}`} has no account list yet`,
      );
    return {
      row,
      stale: this.staleLists.has(row.list_id),
      rejections: await this.repo.rejections(row.list_id, 1000),
    };
  }

  /** The accounts of the caller's own list, by row, paginated (page token = last row number). */
  async listAccounts(
    owner: string,
    partnerId: string | undefined,
    page: { pageSize?: number; pageToken?: string },
    actor: Actor,
  ): Promise<{ accounts: AccountView[]; nextPageToken: string; privacyMode: boolean }> {
    const { ownerKey } = this.ownerOf(owner, partnerId);
    this.requireOwnerAccess(actor, ownerKey);
    if (actor.role !== 'partner_user' && ownerKey !== VENDOR_OWNER) {
      throw DomainError.permissionDenied(
        'a partner’s account list is the partner’s; the vendor sees its accounts only in overlaps the partner shares',
      );
    }
    const size = pageSizeOf(page.pageSize);
    const after = page.pageToken ? Number(page.pageToken) : -1;
    if (!Number.isSafeInteger(after) || after < -1)
      throw DomainError.invalid([{ field: 'pageToken', reason: 'is not a token this service returned' }]);
    const row = await this.repo.current(ownerKey);
    if (!row) return { accounts: [], nextPageToken: '', privacyMode: false };
    const rows = await this.repo.accounts(row.list_id, after, size + 1);
    const more = rows.length > size;
    const accounts = rows.slice(0, size).map((r) => accountView(r, row.privacy_mode));
    return {
      accounts,
      nextPageToken: more ? String(accounts[accounts.length - 1]!.rowNo) : '',
      privacyMode: row.privacy_mode,
    };
  }

  // ---------------------------------------------------------------- sharing

  async sharingState(partnerId: string): Promise<{ state: SharingState; version: number | null }> {
    const history = await this.store.readStream(sharingPolicyStream(partnerId));
    let state = sharingDecider.initialState();
    for (const e of history)
      state = sharingDecider.evolve(state, { type: e.type, data: e.data } as SharingPolicyChanged);
    return { state, version: history.length === 0 ? null : history[history.length - 1]!.streamVersion };
  }

  private requirePartnerAccess(actor: Actor, partnerId: string): void {
    if (!isUuid(partnerId)) throw DomainError.invalid([{ field: 'partnerId', reason: 'must be a UUID' }]);
    if (actor.role === 'partner_user') {
      if (actor.partnerId?.toLowerCase() !== partnerId.toLowerCase())
        throw DomainError.permissionDenied('a partner user may see only its own partner’s mapping');
    } else if (!VENDOR_ROLES.has(actor.role)) {
      throw DomainError.permissionDenied(`role ${actor.role} may not do this`);
    }
  }

  /**
   * Sets what one side shares of each of its populations with the other. The vendor's side is
   * the vendor staff's (vendor_admin, pam) or a service's to set; the partner's side only the
   * partner's own users' (or a service's).
   */
  async setSharingPolicy(
    input: { partnerId: string; side: string; populations: Record<string, string | undefined> },
    actor: Actor,
  ): Promise<{ state: SharingState; version: number | null; changed: boolean }> {
    const partnerId = (input.partnerId ?? '').toLowerCase();
    this.requirePartnerAccess(actor, partnerId);
    if (input.side === 'vendor' && actor.role === 'partner_user')
      throw DomainError.permissionDenied('a partner user may not set the vendor’s sharing');
    if (input.side === 'partner' && (actor.role === 'vendor_admin' || actor.role === 'pam'))
      throw DomainError.permissionDenied('only the partner sets what the partner shares');
    if (isUuid(partnerId)) await this.requirePartnerKnown(partnerId);
    const command: SetSharingPolicy = { type: 'SetSharingPolicy', data: { ...input, partnerId } };
    const result = await handleCommand(
      this.store,
      sharingPolicyStream(partnerId),
      sharingDecider,
      command,
      this.metadata(actor),
    );
    return { state: result.state, version: result.nextExpectedVersion, changed: result.events.length > 0 };
  }

  async sharingPolicy(partnerId: string, actor: Actor) {
    this.requirePartnerAccess(actor, (partnerId ?? '').toLowerCase());
    return this.sharingState(partnerId.toLowerCase());
  }

  // ---------------------------------------------------------------- overlaps

  private viewerOf(actor: Actor): Viewer {
    return actor.role === 'partner_user'
      ? { side: 'partner', partnerId: actor.partnerId! }
      : { side: 'vendor' };
  }

  private computedFor(partnerId: string): ComputedOverlap {
    for (const owner of [VENDOR_OWNER, partnerId]) {
      if (this.staleOwners.has(owner)) {
        throw DomainError.precondition(
          `the ${owner === VENDOR_OWNER ? 'vendor’s' : `partner ${partnerId}’s`} list is stored in privacy mode ` +
            'under a previous hashing secret and cannot be matched; import it again',
          { stale: owner },
        );
      }
    }
    if (!this.vendor)
      throw DomainError.precondition('the vendor has not imported its account list yet', {
        missing: 'vendor',
      });
    if (!this.partners.has(partnerId)) {
      throw DomainError.precondition(`partner ${partnerId} has not imported its account list yet`, {
        missing: 'partner',
      });
    }
    return this.overlaps.get(partnerId) ?? this.recompute(partnerId)!;
  }

  /** The vendor × partner matrix of one partner as the caller may see it. */
  async overlapMatrix(partnerIdInput: string, actor: Actor): Promise<OverlapMatrix> {
    const partnerId = (partnerIdInput ?? '').toLowerCase();
    this.requirePartnerAccess(actor, partnerId);
    const computed = this.computedFor(partnerId);
    const { state } = await this.sharingState(partnerId);
    return matrixFor(computed, this.viewerOf(actor).side, state);
  }

  /** Every partner's matrix as the vendor sees it, and the cells summed over partners (visible counts only). */
  async overlapSummary(
    actor: Actor,
  ): Promise<{ partners: OverlapMatrix[]; totals: MatrixCell[]; hiddenPartners: number[] }> {
    if (!VENDOR_ROLES.has(actor.role))
      throw DomainError.permissionDenied('only the vendor sees the overlaps of every partner');
    if (!this.vendor)
      throw DomainError.precondition('the vendor has not imported its account list yet', {
        missing: 'vendor',
      });
    const partners: OverlapMatrix[] = [];
    const ids = [...this.partners.keys()].sort();
    const states = await Promise.all(ids.map((id) => this.sharingState(id)));
    ids.forEach((id, i) => partners.push(matrixFor(this.computedFor(id), 'vendor', states[i]!.state)));
    const totals = cellsOf({ cells: new Array<number>(9).fill(0), matchedOn: [0, 0, 0], matched: 0 }).map(
      (c) => ({
        ...c,
        visibility: 'counts' as ShareLevel,
      }),
    );
    const hiddenPartners = new Array<number>(9).fill(0);
    for (const m of partners) {
      m.cells.forEach((cell, i) => {
        if (cell.visibility === 'none') hiddenPartners[i]!++;
        else totals[i]!.count += cell.count;
      });
    }
    return { partners, totals, hiddenPartners };
  }

  /** The matched accounts of one cell, where the other side shares that population as accounts. */
  async overlapAccounts(
    input: {
      partnerId: string;
      vendorPopulation: string;
      partnerPopulation: string;
      pageSize?: number;
      pageToken?: string;
    },
    actor: Actor,
  ): Promise<OverlapAccountsPage> {
    const partnerId = (input.partnerId ?? '').toLowerCase();
    this.requirePartnerAccess(actor, partnerId);
    const v = POPULATIONS.indexOf(input.vendorPopulation as Population);
    const p = POPULATIONS.indexOf(input.partnerPopulation as Population);
    const bad: Array<{ field: string; reason: string }> = [];
    if (v < 0) bad.push({ field: 'vendorPopulation', reason: `must be one of ${POPULATIONS.join(', ')}` });
    if (p < 0) bad.push({ field: 'partnerPopulation', reason: `must be one of ${POPULATIONS.join(', ')}` });
    if (bad.length) throw DomainError.invalid(bad);
    const offset = input.pageToken ? Number(input.pageToken) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw DomainError.invalid([{ field: 'pageToken', reason: 'is not a token this service returned' }]);
    const viewer = this.viewerOf(actor).side;
    const { state } = await this.sharingState(partnerId);
    const level = cellVisibility(viewer, state, POPULATIONS[v]!, POPULATIONS[p]!);
    if (level !== 'accounts') {
      const other =
        viewer === 'vendor'
          ? `the partner shares its ${POPULATIONS[p]}s`
          : `the vendor shares its ${POPULATIONS[v]}s`;
      throw DomainError.precondition(
        `${other} as ${level === 'none' ? 'nothing' : 'counts only'}, not as accounts`,
        {
          visibility: level,
        },
      );
    }
    this.computedFor(partnerId);
    const vendor = this.vendor!;
    const partner = this.partners.get(partnerId)!;
    const components = this.engine!.compute(partner.index, true).components.filter(
      (c) => c.vendorPopulation === v && c.partnerPopulation === p,
    );
    const size = pageSizeOf(input.pageSize);
    const page = components.slice(offset, offset + size);
    const views = await this.viewsOf(page, vendor, partner);
    return {
      items: page.map((c, i) => ({ matchedOn: KEY_NAMES[c.key]!, ...views[i]! })),
      total: components.length,
      nextPageToken: offset + size < components.length ? String(offset + size) : '',
    };
  }

  private async viewsOf(components: readonly OverlapComponent[], vendor: LoadedList, partner: LoadedList) {
    const vendorRows = components.map((c) =>
      c.vendorCompanies.flatMap((co) => [...vendor.index.members(co)]),
    );
    const partnerRows = components.map((c) =>
      c.partnerCompanies.flatMap((co) => [...partner.index.members(co)]),
    );
    const [vMap, pMap] = await Promise.all([
      this.repo.accountsByRow(vendor.listId, vendorRows.flat()),
      this.repo.accountsByRow(partner.listId, partnerRows.flat()),
    ]);
    const view = (map: Map<number, AccountRowView>, privacy: boolean) => (rowNo: number) =>
      map.has(rowNo) ? [accountView(map.get(rowNo)!, privacy)] : [];
    return components.map((_, i) => ({
      vendorAccounts: vendorRows[i]!.flatMap(view(vMap, vendor.privacyMode)),
      partnerAccounts: partnerRows[i]!.flatMap(view(pMap, partner.privacyMode)),
    }));
  }

  /**
   * Deal acceleration: each open vendor opportunity (a vendor company whose strongest population
   * is opportunity) with the partners that have it as a customer, ranked by match strength (tax
   * id, domain, name), then by partner quadrant when `quadrantOf` is configured, then partner id.
   * The vendor sees partners that share customers as accounts; a partner user sees its own
   * entries only where the vendor shares opportunities as accounts.
   */
  async dealAcceleration(
    input: { partnerId?: string; limit?: number },
    actor: Actor,
  ): Promise<{ items: AccelerationItem[]; total: number; hiddenPartners: number }> {
    let partnerIds: string[];
    const viewer = this.viewerOf(actor);
    if (viewer.side === 'partner') {
      this.requirePartnerAccess(actor, (input.partnerId || viewer.partnerId).toLowerCase());
      partnerIds = [viewer.partnerId.toLowerCase()];
    } else {
      if (!VENDOR_ROLES.has(actor.role))
        throw DomainError.permissionDenied(`role ${actor.role} may not do this`);
      if (input.partnerId) this.requirePartnerAccess(actor, input.partnerId.toLowerCase());
      partnerIds = input.partnerId ? [input.partnerId.toLowerCase()] : [...this.partners.keys()].sort();
    }
    if (!this.vendor)
      throw DomainError.precondition('the vendor has not imported its account list yet', {
        missing: 'vendor',
      });
    const vendor = this.vendor;
    const limit = pageSizeOf(input.limit);
    // vendor company → partners having it as a customer
    const byVendorCompany = new Map<
      number,
      Array<{ partnerId: string; key: number; partnerCompanies: number[] }>
    >();
    let hiddenPartners = 0;
    for (const partnerId of partnerIds) {
      const partner = this.partners.get(partnerId);
      if (!partner) continue;
      const { state } = await this.sharingState(partnerId);
      const allowed =
        viewer.side === 'vendor'
          ? state.partner.customer === 'accounts'
          : state.vendor.opportunity === 'accounts';
      if (!allowed) {
        hiddenPartners++;
        continue;
      }
      for (const c of this.engine!.compute(partner.index, true).components) {
        if (c.partnerPopulation !== 0) continue;
        for (const vc of c.vendorCompanies) {
          if (vendor.index.companyPopulation[vc] !== 1) continue;
          const list = byVendorCompany.get(vc) ?? [];
          list.push({ partnerId, key: c.key, partnerCompanies: c.partnerCompanies });
          byVendorCompany.set(vc, list);
        }
      }
    }
    const quadrantOf = this.options.quadrantOf;
    const ranked = [...byVendorCompany.entries()]
      .map(([vc, partners]) => {
        const withQuadrant = partners.map((p) => ({ ...p, quadrant: quadrantOf?.(p.partnerId) ?? null }));
        withQuadrant.sort(
          (a, b) =>
            a.key - b.key ||
            (a.quadrant ? QUADRANT_RANK[a.quadrant] : 4) - (b.quadrant ? QUADRANT_RANK[b.quadrant] : 4) ||
            a.partnerId.localeCompare(b.partnerId),
        );
        return { vc, partners: withQuadrant };
      })
      .sort(
        (a, b) =>
          a.partners[0]!.key - b.partners[0]!.key || b.partners.length - a.partners.length || a.vc - b.vc,
      );
    const page = ranked.slice(0, limit);
    const vendorRows = page.flatMap((e) => [...vendor.index.members(e.vc)]);
    const vMap = await this.repo.accountsByRow(vendor.listId, vendorRows);
    const items: AccelerationItem[] = [];
    for (const entry of page) {
      const partners = [];
      for (const p of entry.partners) {
        const list = this.partners.get(p.partnerId)!;
        const rows = p.partnerCompanies.flatMap((co) => [...list.index.members(co)]);
        const pMap = await this.repo.accountsByRow(list.listId, rows);
        partners.push({
          partnerId: p.partnerId,
          matchedOn: KEY_NAMES[p.key]!,
          quadrant: p.quadrant,
          partnerAccounts: rows
            .filter((r) => pMap.has(r))
            .map((r) => accountView(pMap.get(r)!, list.privacyMode)),
        });
      }
      items.push({
        vendorAccounts: [...vendor.index.members(entry.vc)]
          .filter((r) => vMap.has(r))
          .map((r) => accountView(vMap.get(r)!, vendor.privacyMode)),
        partners,
      });
    }
    return { items, total: ranked.length, hiddenPartners };
  }

  /** The last computation of one partner, as computed (no sharing applied): for the runtime and tests. */
  computed(partnerId: string): ComputedOverlap | undefined {
    return this.overlaps.get(partnerId.toLowerCase());
  }
}

// ---------------------------------------------------------------- helpers

function pageSizeOf(size: number | undefined): number {
  if (size === undefined || size === 0) return 100;
  if (!Number.isInteger(size) || size < 1 || size > 1000)
    throw DomainError.invalid([{ field: 'pageSize', reason: 'must be 1..1000' }]);
  return size;
}

export function cellsOf(counts: OverlapCounts) {
  const cells = [];
  for (let v = 0; v < 3; v++)
    for (let p = 0; p < 3; p++)
      cells.push({
        vendorPopulation: POPULATIONS[v]!,
        partnerPopulation: POPULATIONS[p]!,
        count: counts.cells[v * 3 + p]!,
      });
  return cells;
}

function matrixFor(computed: ComputedOverlap, viewer: Side, state: SharingState): OverlapMatrix {
  const cells = cellsOf(computed.counts).map((c) => {
    const visibility = cellVisibility(viewer, state, c.vendorPopulation, c.partnerPopulation);
    return { ...c, visibility, count: atLeast(visibility, 'counts') ? c.count : 0 };
  });
  const all = cells.every((c) => c.visibility !== 'none');
  const m = computed.counts.matchedOn;
  return {
    partnerId: computed.partnerId,
    viewer,
    computationId: computed.computationId,
    computedAt: computed.computedAt,
    vendorListId: computed.vendorListId,
    partnerListId: computed.partnerListId,
    cells,
    ...(all && { matchedOn: { taxId: m[0], domain: m[1], name: m[2] } }),
  };
}

function accountView(row: AccountRowView, privacy: boolean): AccountView {
  return {
    rowNo: row.row_no,
    line: row.line,
    population: POPULATIONS[row.population]!,
    hashedOnly: privacy,
    name: row.name ?? '',
    domain: row.domain ?? '',
    taxId: row.tax_id ?? '',
    country: row.country ?? '',
    externalId: row.external_id ?? '',
  };
}

/** The keys of a stored plain row, rebuilt the way the import built them. */
function keysOfStoredRow(row: AccountRowView): AccountKeys {
  const keys: AccountKeys = {};
  if (row.tax_id) keys.taxId = row.tax_id;
  const domain = row.domain ? domainKey(row.domain) : undefined;
  if (domain !== undefined) keys.domain = domain;
  if (row.name && row.country) {
    const [first, ...variants] = nameCountryKeys(row.name, row.country);
    if (first !== undefined) keys.nameCountry = first;
    if (variants.length > 0) keys.nameVariants = variants;
  }
  return keys;
}

function mergeBatches(batches: readonly AccountBatch[], total: number): AccountBatch {
  if (batches.length === 1) return batches[0]!;
  const out: AccountBatch = {
    count: total,
    line: new Int32Array(total),
    population: new Uint8Array(total),
    keys: new Int32Array(total * 6),
  };
  const plain = batches.every((b) => b.name);
  if (plain) {
    out.name = [];
    out.domain = [];
    out.taxId = [];
    out.country = [];
    out.externalId = [];
  }
  let at = 0;
  for (const b of batches) {
    out.line.set(b.line.subarray(0, b.count), at);
    out.population.set(b.population.subarray(0, b.count), at);
    out.keys.set(b.keys.subarray(0, b.count * 6), at * 6);
    if (plain) {
      out.name!.push(...b.name!);
      out.domain!.push(...b.domain!);
      out.taxId!.push(...b.taxId!);
      out.country!.push(...b.country!);
      out.externalId!.push(...(b.externalId ?? new Array<null>(b.count).fill(null)));
    }
    at += b.count;
  }
  return out;
}

export { KEY_KINDS };
