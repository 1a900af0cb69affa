export * from './partners.application';
export * from './partners.grpc';
export * from './partner-summary.projection';
export * from './partners.migrations';
export * from './streams';
export * from './partners.queries';
export * from './certification-expiry.scheduler';
export * from './deal-milestones.consumer';
