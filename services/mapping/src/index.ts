export * from './domain';
export * from './app';
export * from './testing/partners';
