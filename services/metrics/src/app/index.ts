export * from './metrics.application';
export * from './metrics.grpc';
export * from './metrics.migrations';
export * from './partner-health.projection';
export * from './rebuild';
export * from './source-events.consumer';
