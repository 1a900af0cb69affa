export * from './event-store';
export * from './sql-event-store';
export * from './kurrentdb-event-store';
export * from './command-handler';
export * from './migrations';
export { tailLog } from './tail';
export { openEventStore } from './open-event-store';
