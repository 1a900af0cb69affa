export * from './domain';
export * from './app';
export * from './deals.module';
export * from './deals.config';
