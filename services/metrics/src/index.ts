export * from './domain';
export * from './app';
/** Deterministic realistic event mix (tests and benchmarks). */
export { generateEvents, generateEventStream, type GeneratorOptions } from './domain/testing/generator';
export * from './metrics.module';
export * from './metrics.config';
