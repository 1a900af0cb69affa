export * from './domain-error';
export * from './periodic-job';
