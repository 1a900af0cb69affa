import { streamId } from '@prm/contracts';

/** `vendor` for the vendor's own list, the partner id for a partner's. */
export type OwnerKey = string;
export const VENDOR_OWNER: OwnerKey = 'vendor';

/** Successive imports of one owner's list (AccountListImported); its version guards re-imports. */
export const accountListStream = (owner: OwnerKey): string => streamId('mapping', 'account-list', owner);

/** The sharing policy of the vendor and one partner (SharingPolicyChanged of both sides). */
export const sharingPolicyStream = (partnerId: string): string =>
  streamId('mapping', 'sharing-policy', partnerId);

/** Overlap computations of the vendor against one partner (OverlapsComputed). */
export const overlapsStream = (partnerId: string): string => streamId('mapping', 'overlaps', partnerId);
