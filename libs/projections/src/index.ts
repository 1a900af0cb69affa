export * from './projection';
export * from './projection-runner';
export * from './migrations';
export * from './progress';
