import { DomainError } from '@prm/domain';
import {
  actorFrom,
  CHECKED_IN_HANDLER,
  clientStreamIdempotencyKey,
  clientStreamSignal,
  NO_PARTNER,
  PARTNER_ID_FIELD,
  PartnerScope,
  PROTO_ROOT,
  startGrpcServerFor,
  type ActorMessage,
  type GrpcBinding,
  type RunningGrpcServer,
} from '@prm/grpc';
import type {
  AccountView,
  Actor,
  ImportProgress,
  ImportResult,
  MappingApplication,
  OverlapMatrix,
} from './mapping.application';
import type { ShareLevels } from '../domain';

export { PROTO_ROOT };
export const MAPPING_PROTO = 'prm/mapping/v1/mapping.proto';
export const MAPPING_SERVICE = 'prm.mapping.v1.MappingService';

interface OptionsMessage {
  owner?: string;
  partnerId?: string;
  encoding?: string;
  privacyMode?: boolean;
  importId?: string;
  rowCount?: number;
  sha256?: string;
}
interface TrailerMessage {
  rowCount?: number;
  sha256?: string;
}
type Req = Record<string, unknown> & {
  actor?: ActorMessage | null;
  partnerId?: string;
  options?: OptionsMessage | null;
};

const ROLES = ['vendor_admin', 'pam', 'partner_user', 'service'] as const;

function actorOf(request: { actor?: ActorMessage | null }): Actor {
  return actorFrom(request, ROLES);
}

/** Methods on an account list (its owner in `owner` / `partnerId`, or in `options` for imports). */
const LIST_METHODS = new Set(['importAccountList', 'uploadAccountList', 'getAccountList', 'listAccounts']);
/** Methods on one vendor–partner pair (`partnerId`). */
const PAIR_METHODS = new Set([
  'setSharingPolicy',
  'getSharingPolicy',
  'getOverlapMatrix',
  'listOverlapAccounts',
]);
/** Vendor-only: every partner at once. */
const VENDOR_ONLY = new Set(['getOverlapSummary']);

/**
 * Partners see only their own data: a partner user is refused any vendor-only method, any list
 * but its own partner's and any pair but its own, whatever the request says, before anything
 * is read. (The application checks again, and filters what a side may see under sharing.)
 */
export function authorize(method: string, request: Req): Actor {
  const actor = actorOf(request);
  if (actor.role !== 'partner_user') return actor;
  const own = actor.partnerId!.toLowerCase();
  if (VENDOR_ONLY.has(method)) throw DomainError.permissionDenied(`a partner user may not call ${method}`);
  if (LIST_METHODS.has(method)) {
    const owner = request.options ? request.options.owner : (request.owner as string | undefined);
    const partnerId = request.options ? request.options.partnerId : request.partnerId;
    if (owner !== 'partner' || (partnerId ?? '').toLowerCase() !== own)
      throw DomainError.permissionDenied('a partner user may touch only its own partner’s account list');
  } else if (PAIR_METHODS.has(method) || (method === 'getDealAcceleration' && request.partnerId)) {
    if ((request.partnerId ?? '').toLowerCase() !== own)
      throw DomainError.permissionDenied('a partner user may see only its own partner’s mapping');
  }
  return actor;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number | undefined => (typeof v === 'number' && v !== 0 ? v : undefined);

const account = (a: AccountView) => ({ ...a });

function importResponse(r: ImportResult) {
  return {
    listId: r.listId,
    replacesListId: r.replacesListId ?? '',
    owner: r.owner,
    partnerId: r.partnerId ?? '',
    privacyMode: r.privacyMode,
    format: r.format,
    encoding: r.encoding,
    accountCount: r.accountCount,
    rejectedCount: r.rejectedCount,
    populations: r.populations,
    keyCoverage: r.keyCoverage,
    rejections: r.rejections,
    rejectionsTruncated: r.rejectionsTruncated,
    version: String(r.version),
    recomputedPartners: r.recomputedPartners,
    importId: r.importId,
  };
}

function statusResponse(p: ImportProgress) {
  return {
    importId: p.importId,
    phase: p.phase,
    bytesRead: String(p.bytesRead),
    rowsRead: p.rowsRead,
    accepted: p.accepted,
    rejected: p.rejected,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt ?? '',
    error: p.error ?? '',
  };
}

function matrixResponse(m: OverlapMatrix) {
  return {
    partnerId: m.partnerId,
    viewer: m.viewer,
    computationId: m.computationId,
    computedAt: m.computedAt,
    vendorListId: m.vendorListId,
    partnerListId: m.partnerListId,
    cells: m.cells,
    matchedOn: m.matchedOn ?? null,
    matchedOnPresent: m.matchedOn !== undefined,
  };
}

function policyResponse(
  partnerId: string,
  p: { state: { vendor: ShareLevels; partner: ShareLevels }; version: number | null; changed?: boolean },
) {
  return {
    partnerId,
    vendor: p.state.vendor,
    partner: p.state.partner,
    version: String(p.version ?? -1),
    changed: p.changed ?? false,
  };
}

/**
 * The file's bytes after the header, up to the client's half-close; an optional trailer (the
 * last message) lands in `trailer`. A broken stream throws (StreamInterruptedError) instead of ending.
 */
async function* dataAfterHeader(
  rest: AsyncIterator<Record<string, unknown>>,
  trailer: { value?: TrailerMessage },
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    const message = next.value;
    if (trailer.value) {
      throw DomainError.invalid([{ field: 'trailer', reason: 'must be the last message of the upload' }]);
    }
    if (message.part === 'trailer') {
      trailer.value = (message.trailer as TrailerMessage | null) ?? {};
      continue;
    }
    if (message.part !== 'data') {
      throw DomainError.invalid([
        { field: 'header', reason: 'only the first message carries the header; send data after it' },
      ]);
    }
    const data = message.data as Uint8Array | undefined;
    if (data && data.length > 0) yield data;
  }
}

/** The gRPC methods of prm.mapping.v1.MappingService over the application layer. */
export function mappingGrpcHandlers(app: MappingApplication, scope = mappingPartnerScope(app)) {
  const importOptions = (o: OptionsMessage | null | undefined) => ({
    owner: str(o?.owner),
    partnerId: str(o?.partnerId) || undefined,
    encoding: str(o?.encoding) || undefined,
    privacyMode: o?.privacyMode === true,
    importId: str(o?.importId) || undefined,
  });
  const importIdOf = (o: OptionsMessage | null | undefined) => str(o?.importId);
  const checksOf = (o: OptionsMessage | null | undefined, trailer?: TrailerMessage) => ({
    rowCount: int(trailer?.rowCount) ?? int(o?.rowCount),
    sha256: str(trailer?.sha256) || str(o?.sha256) || undefined,
  });
  return {
    async importAccountList(r: Req) {
      const actor = authorize('importAccountList', r);
      const options = importOptions(r.options);
      const content = (r.content as Uint8Array | undefined) ?? new Uint8Array();
      // The `idempotency-key` metadata (mapped onto requestId) stands for import_id when it is empty.
      const importId = importIdOf(r.options) || str(r.requestId) || undefined;
      const expected = () => checksOf(r.options);
      return importResponse(await app.importAccountList({ ...options, importId, content, expected }, actor));
    },
    async uploadAccountList(requests: AsyncIterable<Record<string, unknown>>) {
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done || first.value.part !== 'header') {
        throw DomainError.invalid([
          { field: 'header', reason: 'the first message must carry the header (actor and options)' },
        ]);
      }
      const header = first.value.header as Req;
      const actor = authorize('uploadAccountList', header);
      await scope.check('importAccountList', header);
      const importId = importIdOf(header.options) || clientStreamIdempotencyKey(requests) || undefined;
      const trailer: { value?: TrailerMessage } = {};
      const result = await app.importAccountList(
        {
          ...importOptions(header.options),
          importId,
          content: dataAfterHeader(iterator, trailer),
          expected: () => checksOf(header.options, trailer.value),
          signal: clientStreamSignal(requests),
        },
        actor,
      );
      return importResponse(result);
    },
    async getImportStatus(r: Req) {
      const actor = authorize('getImportStatus', r);
      return statusResponse(app.importStatus(str(r.importId), actor));
    },
    async getAccountList(r: Req) {
      const actor = authorize('getAccountList', r);
      const { row, stale, rejections } = await app.accountList(
        str(r.owner),
        str(r.partnerId) || undefined,
        actor,
      );
      return {
        listId: row.list_id,
        owner: row.owner_key === 'vendor' ? 'vendor' : 'partner',
        partnerId: row.partner_id ?? '',
        privacyMode: row.privacy_mode,
        format: row.format,
        encoding: row.encoding ?? '',
        accountCount: row.account_count,
        rejectedCount: row.rejected_count,
        populations: row.populations,
        keyCoverage: row.key_coverage,
        importedAt: row.imported_at ? new Date(row.imported_at).toISOString() : '',
        importedBy: row.imported_by ?? '',
        version: row.stream_version ?? '-1',
        stale,
        rejections,
      };
    },
    async listAccounts(r: Req) {
      const actor = authorize('listAccounts', r);
      const page = await app.listAccounts(
        str(r.owner),
        str(r.partnerId) || undefined,
        { pageSize: int(r.pageSize), pageToken: str(r.pageToken) || undefined },
        actor,
      );
      return { ...page, accounts: page.accounts.map(account) };
    },
    async setSharingPolicy(r: Req) {
      const actor = authorize('setSharingPolicy', r);
      const levels = (r.populations ?? {}) as Record<string, string>;
      const result = await app.setSharingPolicy(
        {
          partnerId: str(r.partnerId),
          side: str(r.side),
          populations: {
            customer: str(levels.customer) || undefined,
            opportunity: str(levels.opportunity) || undefined,
            prospect: str(levels.prospect) || undefined,
          },
        },
        actor,
      );
      return policyResponse(str(r.partnerId).toLowerCase(), result);
    },
    async getSharingPolicy(r: Req) {
      const actor = authorize('getSharingPolicy', r);
      return policyResponse(str(r.partnerId).toLowerCase(), await app.sharingPolicy(str(r.partnerId), actor));
    },
    async getOverlapMatrix(r: Req) {
      const actor = authorize('getOverlapMatrix', r);
      return matrixResponse(await app.overlapMatrix(str(r.partnerId), actor));
    },
    async getOverlapSummary(r: Req) {
      const actor = authorize('getOverlapSummary', r);
      const summary = await app.overlapSummary(actor);
      return {
        partners: summary.partners.map(matrixResponse),
        totals: summary.totals,
        hiddenPartners: summary.hiddenPartners,
      };
    },
    async listOverlapAccounts(r: Req) {
      const actor = authorize('listOverlapAccounts', r);
      const page = await app.overlapAccounts(
        {
          partnerId: str(r.partnerId),
          vendorPopulation: str(r.vendorPopulation),
          partnerPopulation: str(r.partnerPopulation),
          pageSize: int(r.pageSize),
          pageToken: str(r.pageToken) || undefined,
        },
        actor,
      );
      return page;
    },
    async getDealAcceleration(r: Req) {
      const actor = authorize('getDealAcceleration', r);
      const result = await app.dealAcceleration(
        { partnerId: str(r.partnerId) || undefined, limit: int(r.limit) },
        actor,
      );
      return {
        opportunities: result.items.map((i) => ({
          vendorAccounts: i.vendorAccounts,
          partners: i.partners.map((p) => ({ ...p, quadrant: p.quadrant ?? '' })),
        })),
        total: result.total,
        hiddenPartners: result.hiddenPartners,
      };
    },
  };
}

/**
 * Where each method's request names its partner, for the one scope rule (libs/grpc PartnerScope):
 * `partnerId`, the import options' partner, or the partner of the import a status asks about.
 * The upload reads its header first and checks it as an import.
 */
export function mappingPartnerScope(app: MappingApplication): PartnerScope {
  const optionsPartner = (r: Record<string, unknown>) => str((r.options as OptionsMessage | null)?.partnerId);
  return new PartnerScope({
    roles: ROLES,
    rules: {
      importAccountList: optionsPartner,
      uploadAccountList: CHECKED_IN_HANDLER,
      getImportStatus: (r) => app.importPartner(str(r.importId)),
      getAccountList: PARTNER_ID_FIELD,
      listAccounts: PARTNER_ID_FIELD,
      setSharingPolicy: PARTNER_ID_FIELD,
      getSharingPolicy: PARTNER_ID_FIELD,
      getOverlapMatrix: PARTNER_ID_FIELD,
      getOverlapSummary: NO_PARTNER,
      listOverlapAccounts: PARTNER_ID_FIELD,
      getDealAcceleration: PARTNER_ID_FIELD,
    },
    pamRuns: (pamId, partnerId) => app.pamRuns(pamId, partnerId),
  });
}

/** What the mapping context serves over gRPC (for startGrpcServerFor and the embedded runtime). */
export function mappingGrpcBinding(app: MappingApplication): GrpcBinding {
  const scope = mappingPartnerScope(app);
  return {
    protoFiles: [MAPPING_PROTO],
    services: {
      [MAPPING_SERVICE]: scope.wrap(
        mappingGrpcHandlers(app, scope),
      ) as unknown as GrpcBinding['services'][string],
    },
  };
}

export function startMappingGrpc(
  app: MappingApplication,
  address: string,
  log?: (line: string) => void,
  options: { streamIdleTimeoutMs?: number } = {},
): Promise<RunningGrpcServer> {
  return startGrpcServerFor(address, [mappingGrpcBinding(app)], log, options);
}
