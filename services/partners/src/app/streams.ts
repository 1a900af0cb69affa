import { streamId } from '@prm/contracts';

export const partnerStream = (partnerId: string): string => streamId('partners', 'partner', partnerId);
