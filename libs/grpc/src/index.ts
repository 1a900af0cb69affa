export * from './grpc-errors';
export * from './grpc-server';
