export * from './domain';
export * from './app';
export * from './testing/partners';
export * from './mapping.module';
export * from './mapping.config';
