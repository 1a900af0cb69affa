export * from './mapping.application';
export * from './mapping.grpc';
export * from './mapping.migrations';
export * from './account-list.repository';
export * from './match-key-hasher';
export * from './streams';
export * from './partner-view.projection';
export * from './partner-quadrants.projection';
