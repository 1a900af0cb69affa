export * from './domain';
export * from './app';
export * from './partners.module';
export * from './partners.config';
