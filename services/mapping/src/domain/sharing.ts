import type { DataOf } from '@prm/contracts';
import { isUuid, Violations } from '@prm/domain';
import { POPULATIONS, type Population } from './populations';

export const SHARE_LEVELS = ['none', 'counts', 'accounts'] as const;
export type ShareLevel = (typeof SHARE_LEVELS)[number];
export const SIDES = ['vendor', 'partner'] as const;
export type Side = (typeof SIDES)[number];
export type ShareLevels = Record<Population, ShareLevel>;

/** Nothing is shared until a side says otherwise. */
export const NOTHING_SHARED: ShareLevels = Object.freeze({
  customer: 'none',
  opportunity: 'none',
  prospect: 'none',
});

/** The sharing between the vendor and one partner: what each side shares of each of its populations. */
export interface SharingState {
  vendor: ShareLevels;
  partner: ShareLevels;
}

export interface SetSharingPolicy {
  type: 'SetSharingPolicy';
  data: { partnerId: string; side: string; populations: Record<string, string | undefined> };
}
export interface SharingPolicyChanged {
  type: 'SharingPolicyChanged';
  data: DataOf<'SharingPolicyChanged'>;
}

/**
 * The sharing policy of one vendor–partner pair (pure). A command sets some populations of one
 * side; the others keep their level. Setting what is already set changes nothing (no event).
 */
export const sharingDecider = {
  initialState: (): SharingState => ({ vendor: { ...NOTHING_SHARED }, partner: { ...NOTHING_SHARED } }),
  decide(command: SetSharingPolicy, state: SharingState): SharingPolicyChanged[] {
    const { partnerId, side, populations } = command.data;
    const v = new Violations();
    v.check(isUuid(partnerId), 'partnerId', 'must be a UUID');
    v.check(SIDES.includes(side as Side), 'side', `must be one of ${SIDES.join(', ')}`);
    const given = Object.entries(populations).filter(([, level]) => level !== undefined && level !== '');
    if (given.length === 0) v.add('populations', 'give the share level of at least one population');
    for (const [population, level] of given) {
      if (!POPULATIONS.includes(population as Population)) {
        v.add(`populations.${population}`, `is not a population; use ${POPULATIONS.join(', ')}`);
      } else if (!SHARE_LEVELS.includes(level as ShareLevel)) {
        v.add(`populations.${population}`, `must be one of ${SHARE_LEVELS.join(', ')}`);
      }
    }
    v.throwIfAny();
    const current = state[side as Side];
    const next = { ...current };
    for (const [population, level] of given) next[population as Population] = level as ShareLevel;
    if (POPULATIONS.every((p) => next[p] === current[p])) return [];
    return [{ type: 'SharingPolicyChanged', data: { partnerId, side: side as Side, populations: next } }];
  },
  evolve(state: SharingState, event: SharingPolicyChanged): SharingState {
    return { ...state, [event.data.side]: { ...event.data.populations } };
  },
};

const RANK: Record<ShareLevel, number> = { none: 0, counts: 1, accounts: 2 };
export const atLeast = (level: ShareLevel, wanted: ShareLevel): boolean => RANK[level] >= RANK[wanted];

/**
 * What a viewer may see of one cell of the matrix: the other side's level for the other side's
 * population of that cell. The vendor sees cell (vendor p, partner q) as the partner shares q;
 * the partner sees it as the vendor shares p. Its own populations are its own, so they never
 * limit what it sees of the other side's.
 */
export function cellVisibility(
  viewer: Side,
  state: SharingState,
  vendorPopulation: Population,
  partnerPopulation: Population,
): ShareLevel {
  return viewer === 'vendor' ? state.partner[partnerPopulation] : state.vendor[vendorPopulation];
}
