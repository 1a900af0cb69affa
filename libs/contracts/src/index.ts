export * from './envelope';
export * from './catalog';
export * from './catalog/samples';
export * from './json-schema';
