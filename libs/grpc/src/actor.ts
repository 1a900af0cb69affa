import { DomainError, isUuid, Violations } from '@prm/domain';

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

/**
 * The partner a request reaches, read from the request (a field, or the partner of the deal it
 * names); undefined when it names none: a vendor-wide method, or a list the query itself
 * narrows to the PAM's partners.
 */
type Named = string | null | undefined | ReadonlyArray<string | null | undefined>;
export type PartnerOf = (request: Record<string, unknown>) => Named | Promise<Named>;

/** The request names no partner (a definition, a vendor-wide view, a new partner). */
export const NO_PARTNER: PartnerOf = () => undefined;
/** The request's `partnerId` field (empty = none). */
export const PARTNER_ID_FIELD: PartnerOf = (r) => (typeof r.partnerId === 'string' ? r.partnerId : undefined);
/** The handler reads the request first (client streaming) and calls `scope.check` itself. */
export const CHECKED_IN_HANDLER: PartnerOf = () => undefined;

export interface PartnerScopeOptions {
  /** Every method of the service (the handler names), and where its request names its partner. */
  rules: Record<string, PartnerOf>;
  /** The roles of the context (the actor is checked with them). */
  roles: readonly string[];
  /** Whether the PAM runs the partner now (from the context's own view of partner events). */
  pamRuns(pamId: string, partnerId: string): Promise<boolean>;
}

/**
 * The one scope rule every query and command of every service applies, before anything is
 * read or decided: a PAM reaches only the partners it runs (PERMISSION_DENIED otherwise).
 * Partner users are held to their own partner by each service's authorize step, vendor admins
 * and services reach every partner. Each service declares, for every method, where the request
 * names its partner; a method without a declaration fails the service's start, so a new method
 * cannot slip through unscoped.
 */
export class PartnerScope {
  constructor(private readonly options: PartnerScopeOptions) {}

  get methods(): string[] {
    return Object.keys(this.options.rules);
  }

  /** Refuses a PAM the partner `request` reaches through `method` unless it runs that partner. */
  async check(method: string, request: Record<string, unknown>): Promise<void> {
    const rule = this.options.rules[method];
    if (!rule) throw new Error(`partner scope: method ${method} declares no rule`);
    const actor = actorFrom(request as { actor?: ActorMessage }, this.options.roles);
    if (actor.role !== 'pam') return;
    const named = await rule(request);
    for (const partnerId of (Array.isArray(named) ? named : [named]) as ReadonlyArray<
      string | null | undefined
    >) {
      if (!partnerId) continue;
      // Checked here too, before the view is asked: a malformed id reached PostgreSQL's uuid
      // column as INTERNAL (found by the fuzzer once the scope ran ahead of the handlers' checks).
      if (!isUuid(partnerId)) throw DomainError.invalid([{ field: 'partnerId', reason: 'must be a UUID' }]);
      if (!(await this.options.pamRuns(actor.id, partnerId.toLowerCase())))
        throw DomainError.permissionDenied(
          `a PAM reaches only the partners it runs; ${partnerId} is not one of them`,
        );
    }
  }

  /** The handlers, each checking the scope first; every handler must have a rule. */
  wrap<H extends Record<string, (request: never) => Promise<unknown>>>(handlers: H): H {
    const missing = Object.keys(handlers).filter((m) => !this.options.rules[m]);
    if (missing.length > 0) throw new Error(`partner scope: no rule for ${missing.join(', ')}`);
    return Object.fromEntries(
      Object.entries(handlers).map(([method, handler]) => [
        method,
        this.options.rules[method] === CHECKED_IN_HANDLER
          ? handler
          : async (request: Record<string, unknown>) => {
              await this.check(method, request);
              return (handler as (r: Record<string, unknown>) => Promise<unknown>)(request);
            },
      ]),
    ) as H;
  }
}
