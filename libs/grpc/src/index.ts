export * from './grpc-errors';
export * from './grpc-server';
export * from './grpc-client';
export * from './actor';
export * from './client-stream';
