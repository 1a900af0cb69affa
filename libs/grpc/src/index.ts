export * from './grpc-errors';
export * from './grpc-server';
export * from './grpc-client';
export * from './actor';
export * from './request-guard';
export * from './client-stream';
export * from './rich-status';
export * from './reflection';
