import { DomainError } from './domain-error';
import { requestHash, uuidV5 } from './ids';

/*
 * Idempotent commands: a client that may retry sends a key (the `requestId` field, or the
 * `idempotency-key` request metadata). The key, scoped to the caller, gives the command a
 * deterministic id; the events the command appends carry that id and the hash of the request
 * body in their metadata, so a retry is recognized from the events themselves (a restart loses
 * nothing): the same body gets the first answer again, another body is ALREADY_EXISTS.
 */

/** The field every create command takes its idempotency key in. */
export const REQUEST_ID_FIELD = 'requestId';

/** Longest idempotency key accepted (the ids' bound, BOUNDS.idLength). */
export const REQUEST_ID_MAX_LENGTH = 200;

// Visible ASCII, inner spaces allowed: what a header value can carry without escaping.
const PRINTABLE_KEY = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * Why an idempotency key is unusable, or undefined: 1-200 characters of visible ASCII (spaces
 * inside only). Control characters, non-ASCII and bidi overrides are refused, never echoed.
 */
export function requestIdProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > REQUEST_ID_MAX_LENGTH)
    return `must be 1 to ${REQUEST_ID_MAX_LENGTH} characters`;
  if (!PRINTABLE_KEY.test(key))
    return 'must be printable ASCII (letters, digits, punctuation; spaces only inside)';
  return undefined;
}

/** One idempotent command: the id its key stands for and the hash of its body. */
export interface IdempotentRequest {
  /** UUID v5 of the caller's scope and the key: stored as the events' `requestId` metadata. */
  readonly id: string;
  /** requestHash of the body (the request without its key). */
  readonly hash: string;
  /** The field the key came in, for the error messages. */
  readonly field: string;
}

/**
 * The idempotent request a command's key makes, or undefined when it came without one (then
 * every call is a new command). `scope` makes the key the caller's own (e.g. the partner, or
 * the user, and the aggregate acted on); `namespace` is the command's, so one key used for two
 * kinds of command never collides. A bad key is INVALID_ARGUMENT naming the field.
 */
export function idempotentRequest(
  key: string | undefined,
  options: { namespace: string; scope: readonly string[]; body: unknown; field?: string },
): IdempotentRequest | undefined {
  if (key === undefined) return undefined;
  const field = options.field ?? REQUEST_ID_FIELD;
  const problem = requestIdProblem(key);
  if (problem) throw DomainError.invalid([{ field, reason: problem }]);
  return {
    id: uuidV5([...options.scope, key].join('|'), options.namespace),
    hash: requestHash(options.body),
    field,
  };
}

/** The metadata the events of an idempotent request carry. */
export function requestMetadata(request: IdempotentRequest | undefined): Record<string, string> {
  return request ? { requestId: request.id, requestHash: request.hash } : {};
}

/** What replayedRequest needs of a stored event (RecordedEvent has it). */
export interface StoredEventLike {
  readonly streamVersion: number;
  readonly metadata: {
    readonly actor?: unknown;
    readonly requestId?: unknown;
    readonly requestHash?: unknown;
  };
}

/**
 * The events an idempotent request appended the first time, read back from its stream; null
 * when it has not been applied yet (then the command runs). Another body under the same key is
 * ALREADY_EXISTS naming the key's field (the key itself is not echoed).
 *
 * - `stream`: the request created the stream (its id derives from the key): the first event is
 *   the request's. Events stored before `requestId` was recorded match by their hash alone.
 * - `within`: the request added to an existing stream: its events carry its `requestId`.
 */
export function replayedRequest<E extends StoredEventLike>(
  history: readonly E[],
  request: IdempotentRequest,
  what: string,
  mode: 'stream' | 'within',
): E[] | null {
  let mine: E[];
  if (mode === 'stream') {
    if (history.length === 0) return null;
    if (history[0]!.metadata.requestHash !== request.hash) throw usedForAnother(request, what);
    mine = history.filter(
      (e) =>
        e.metadata.requestId === request.id ||
        (e.metadata.requestId === undefined && e.metadata.requestHash === request.hash),
    );
  } else {
    mine = history.filter((e) => e.metadata.requestId === request.id);
    if (mine.length === 0) return null;
    if (mine[0]!.metadata.requestHash !== request.hash) throw usedForAnother(request, what);
  }
  return mine;
}

function usedForAnother(request: IdempotentRequest, what: string): DomainError {
  return DomainError.alreadyExists(
    `${request.field}: this key was already used for another ${what} (a different request body); ` +
      `send the same body to get the first answer again, or a new ${request.field} for a new ${what}`,
    { field: request.field },
  );
}
