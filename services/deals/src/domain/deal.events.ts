import type { DataOf } from '@prm/contracts';

/** The events of a deal stream, typed from the contract. */
export type DealEvent =
  | { type: 'DealRegistered'; data: DataOf<'DealRegistered'> }
  | { type: 'DealConflictDetected'; data: DataOf<'DealConflictDetected'> }
  | { type: 'DealRegistrationApproved'; data: DataOf<'DealRegistrationApproved'> }
  | { type: 'DealRegistrationRejected'; data: DataOf<'DealRegistrationRejected'> }
  | { type: 'DealRegistrationExpired'; data: DataOf<'DealRegistrationExpired'> }
  | { type: 'DealProtectionLapsed'; data: DataOf<'DealProtectionLapsed'> }
  | { type: 'DealProtectionRevoked'; data: DataOf<'DealProtectionRevoked'> }
  | { type: 'DealCoSellerAssigned'; data: DataOf<'DealCoSellerAssigned'> }
  | { type: 'DealProtectionExtensionRequested'; data: DataOf<'DealProtectionExtensionRequested'> }
  | { type: 'DealProtectionExtended'; data: DataOf<'DealProtectionExtended'> }
  | { type: 'DealProtectionExtensionRejected'; data: DataOf<'DealProtectionExtensionRejected'> }
  | { type: 'DealStageChanged'; data: DataOf<'DealStageChanged'> }
  | { type: 'DealInfluenceRecorded'; data: DataOf<'DealInfluenceRecorded'> }
  | { type: 'DealWon'; data: DataOf<'DealWon'> }
  | { type: 'DealLost'; data: DataOf<'DealLost'> }
  | { type: 'CommissionAccrued'; data: DataOf<'CommissionAccrued'> }
  | { type: 'CommissionApproved'; data: DataOf<'CommissionApproved'> }
  | { type: 'CommissionPaid'; data: DataOf<'CommissionPaid'> }
  | { type: 'CommissionCorrected'; data: DataOf<'CommissionCorrected'> };

export type DealEventType = DealEvent['type'];
export const DEAL_EVENT_TYPES: readonly DealEventType[] = [
  'DealRegistered',
  'DealConflictDetected',
  'DealRegistrationApproved',
  'DealRegistrationRejected',
  'DealRegistrationExpired',
  'DealProtectionLapsed',
  'DealProtectionRevoked',
  'DealCoSellerAssigned',
  'DealProtectionExtensionRequested',
  'DealProtectionExtended',
  'DealProtectionExtensionRejected',
  'DealStageChanged',
  'DealInfluenceRecorded',
  'DealWon',
  'DealLost',
  'CommissionAccrued',
  'CommissionApproved',
  'CommissionPaid',
  'CommissionCorrected',
];
