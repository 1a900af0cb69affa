export * from './money';
export * from './partner-health';
export * from './ipp-fit';
export * from './scorecard';
export * from './scoring';
export * from './channel';
export * from './engine';
