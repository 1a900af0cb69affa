export * from './domain-error';
export * from './periodic-job';
export * from './money';
export * from './ids';
export * from './ideal-partner-fit';
export * from './time';
export * from './bounds';
export * from './idempotency';
