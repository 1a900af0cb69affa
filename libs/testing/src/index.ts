export * from './infra';
export * from './given-when-then';
export * from './events';
export * from './service-process';
export * from './service-main-specs';
export * from './grpc-health';
export * from './sigterm-under-load';
