import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { DomainError, type DomainErrorCode } from '@prm/domain';
import {
  ConcurrencyRetriesExhaustedError,
  InvalidAppendError,
  WrongExpectedVersionError,
} from '@prm/event-store';
import { StreamInterruptedError } from './client-stream';
import { decodeStatusDetails, encodeStatusDetails, GRPC_STATUS_DETAILS_TRAILER } from './rich-status';

const CODES: Record<DomainErrorCode, status> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  NOT_FOUND: status.NOT_FOUND,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
};

/** Trailer with the bad fields as JSON: [{ "field": "...", "reason": "..." }]. */
export const FIELD_VIOLATIONS_TRAILER = 'prm-field-violations-bin';
/** Trailer with DomainError details as JSON (e.g. allowedNext, existingPartnerId). */
export const ERROR_DETAILS_TRAILER = 'prm-error-details-bin';

/**
 * The one mapping from errors to gRPC status. Domain errors keep their message (written for
 * the caller); a version conflict that survived the retries is ABORTED (try again); anything
 * else is INTERNAL with a generic message — the cause goes to the log, not to the caller.
 */
export function toGrpcError(
  error: unknown,
  log: (line: string) => void = console.error,
): Partial<ServiceError> {
  const metadata = new Metadata();
  if (error instanceof DomainError) {
    const code = CODES[error.code];
    if (error.violations.length > 0)
      metadata.set(FIELD_VIOLATIONS_TRAILER, Buffer.from(JSON.stringify(error.violations)));
    if (Object.keys(error.details).length > 0)
      metadata.set(ERROR_DETAILS_TRAILER, Buffer.from(JSON.stringify(error.details)));
    metadata.set(GRPC_STATUS_DETAILS_TRAILER, encodeStatusDetails(code, error.message, error.violations));
    return { code, details: error.message, metadata };
  }
  if (error instanceof InvalidAppendError) {
    const violations = [{ field: error.field, reason: error.message }];
    metadata.set(FIELD_VIOLATIONS_TRAILER, Buffer.from(JSON.stringify(violations)));
    metadata.set(
      GRPC_STATUS_DETAILS_TRAILER,
      encodeStatusDetails(status.INVALID_ARGUMENT, error.message, violations),
    );
    return { code: status.INVALID_ARGUMENT, details: error.message, metadata };
  }
  if (error instanceof StreamInterruptedError) {
    return {
      code: error.reason === 'idle-timeout' ? status.DEADLINE_EXCEEDED : status.CANCELLED,
      details: `${error.message}; nothing was applied`,
      metadata,
    };
  }
  if (error instanceof ConcurrencyRetriesExhaustedError || error instanceof WrongExpectedVersionError) {
    return {
      code: status.ABORTED,
      details: `${error.message}; the request was not applied, send it again`,
      metadata,
    };
  }
  log(`gRPC handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: status.INTERNAL, details: 'internal error; nothing was changed by this request', metadata };
}

/** Reads the field violations a server put in the trailers (for clients and tests). */
export function fieldViolationsOf(error: ServiceError): Array<{ field: string; reason: string }> {
  const raw = error.metadata?.get(FIELD_VIOLATIONS_TRAILER)[0];
  return raw ? (JSON.parse(raw.toString()) as Array<{ field: string; reason: string }>) : [];
}

/**
 * The standard rich error model a server sent (google.rpc.Status in grpc-status-details-bin):
 * its code, message and the google.rpc.BadRequest field violations, field names as in the
 * .proto (snake_case). Undefined when the trailer is absent.
 */
export function richStatusOf(error: ServiceError) {
  const raw = error.metadata?.get(GRPC_STATUS_DETAILS_TRAILER)[0];
  return raw === undefined ? undefined : decodeStatusDetails(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
}
