export * from './domain';
export * from './app';
/** Deterministic realistic event mix (tests and benchmarks). */
export { generateEvents, type GeneratorOptions } from './domain/testing/generator';
