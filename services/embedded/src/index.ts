export * from './config';
export * from './platform';
export * from './app.module';
export { PlatformRuntime } from '@prm/runtime';
