/**
 * The one error type domain code throws. The shells map `code` once: gRPC status codes
 * (INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS, NOT_FOUND, PERMISSION_DENIED) and
 * HTTP problem+json (400, 409/412, 409, 404, 403). Messages are written for the user who sent
 * the command: they name the field and the reason, and say what is allowed instead.
 */
export type DomainErrorCode =
  'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'ALREADY_EXISTS' | 'NOT_FOUND' | 'PERMISSION_DENIED';

export interface FieldViolation {
  field: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For INVALID_ARGUMENT: every field that is wrong, not just the first. */
    readonly violations: readonly FieldViolation[] = [],
    /** Extra facts for the caller, e.g. { allowedNext: [...] } or { existingPartnerId }. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(violations: readonly FieldViolation[]): DomainError {
    return new DomainError(
      'INVALID_ARGUMENT',
      violations.map((v) => `${v.field}: ${v.reason}`).join('; '),
      violations,
    );
  }

  static precondition(message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('FAILED_PRECONDITION', message, [], details);
  }

  static alreadyExists(message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('ALREADY_EXISTS', message, [], details);
  }

  static notFound(message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('NOT_FOUND', message, [], details);
  }

  static permissionDenied(message: string): DomainError {
    return new DomainError('PERMISSION_DENIED', message);
  }
}

/** Collects field violations and throws them all at once. */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, reason: string): this {
    this.list.push({ field, reason });
    return this;
  }

  check(condition: boolean, field: string, reason: string): this {
    if (!condition) this.add(field, reason);
    return this;
  }

  /** The violations collected so far. */
  get all(): readonly FieldViolation[] {
    return this.list;
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw DomainError.invalid(this.list);
  }
}
