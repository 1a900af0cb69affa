export enum ContractViolationCode {
  UnknownEventType = 'UNKNOWN_EVENT_TYPE',
  UnsupportedSchemaVersion = 'UNSUPPORTED_SCHEMA_VERSION',
  InvalidData = 'INVALID_DATA',
}

/** One field that broke the contract: its path inside `data` (e.g. `customer.taxId.value`) and why. */
export interface ContractViolationIssue {
  path: string;
  message: string;
}

/**
 * An event's data does not match its published schema (or the type or version is not in
 * the catalog). The message names the event type and every failing field path, so a log
 * line alone tells what to fix.
 */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';

  constructor(
    readonly code: ContractViolationCode,
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly issues: readonly ContractViolationIssue[],
    message: string,
  ) {
    super(message);
  }
}

/** `['customer', 'taxId', 'value']` -> `customer.taxId.value`; `['products', 0]` -> `products[0]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}
