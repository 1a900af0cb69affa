import { isUuid, Violations } from '@prm/domain';

/** The `actor` message every command and query carries (the gateway fills it from the token). */
export interface ActorMessage {
  id?: string;
  role?: string;
  correlationId?: string;
  partnerId?: string;
}

/** Who calls, checked: one of the context's roles; a partner user always names its partner. */
export interface CallingActor<Role extends string> {
  id: string;
  role: Role;
  correlationId?: string;
  partnerId?: string;
}

/**
 * Reads and checks the request's actor, the same way in every context: INVALID_ARGUMENT naming
 * every bad field of `actor.id`, `actor.role` (with the roles this context knows), `actor.partnerId`
 * (a UUID). Lengths and characters are the shell's bounds (requestBoundsViolations).
 */
export function actorFrom<Role extends string>(
  request: { actor?: ActorMessage | null },
  roles: readonly Role[],
): CallingActor<Role> {
  const a = request.actor;
  const v = new Violations();
  v.check(!!a?.id, 'actor.id', 'is required (who sends the request)');
  v.check(roles.includes(a?.role as Role), 'actor.role', `must be one of ${roles.join(', ')}`);
  if (a?.role === 'partner_user') v.check(!!a.partnerId, 'actor.partnerId', 'is required for a partner user');
  // Every partner id is a UUID: a malformed one is the caller's error, not a database one.
  if (a?.partnerId) v.check(isUuid(a.partnerId), 'actor.partnerId', 'must be a UUID');
  v.throwIfAny();
  return {
    id: a!.id!,
    role: a!.role as Role,
    correlationId: a!.correlationId || undefined,
    partnerId: a!.partnerId || undefined,
  };
}
