export * from './domain';
export * from './app';
