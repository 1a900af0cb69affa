export * from './infra';
export * from './given-when-then';
export * from './events';
