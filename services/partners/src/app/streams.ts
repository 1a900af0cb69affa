import { streamId } from '@prm/contracts';

export const partnerStream = (partnerId: string): string => streamId('partners', 'partner', partnerId);

/** The vendor's ideal partner profile: one vendor-level stream; its last definition is current. */
export const IDEAL_PARTNER_PROFILE_STREAM = streamId('partners', 'ideal-partner-profile', 'current');

/** A partner program's definitions; the last one is current. */
export const programStream = (program: string): string => streamId('partners', 'program', program);

/** A partner account manager: its own capacity and over-capacity warning. */
export const pamStream = (pamId: string): string => streamId('partners', 'pam', pamId);
