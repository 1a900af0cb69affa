export * from './config';
export * from './runtime';
export * from './platform';
export * from './app.module';
