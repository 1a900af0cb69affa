export * from './event-bus';
export * from './wire-format';
export * from './kafka';
export * from './kafka-event-bus';
export * from './batch-pipeline';
export * from './in-process-event-bus';
export * from './outbox-relay';
export * from './migrations';
