import { ContractViolationError, parseEventData, type DataOf, type EventType } from '@prm/contracts';
import { DomainError } from '@prm/domain';

/**
 * Checks input against the published schema of the event it will become, every bad field
 * named at once (paths as the contracts and the decider write them, e.g. `tiers[0].tier`).
 */
export function eventDataOf<T extends EventType>(type: T, input: unknown): DataOf<T> {
  try {
    return parseEventData(type, 1, input);
  } catch (error) {
    if (error instanceof ContractViolationError) {
      throw DomainError.invalid(error.issues.map((i) => ({ field: i.path, reason: i.message })));
    }
    throw error;
  }
}
