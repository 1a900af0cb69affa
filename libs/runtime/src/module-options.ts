import type { DynamicModule, FactoryProvider, InjectionToken } from '@nestjs/common';

/** forRootAsync's argument of every context module: the options from a factory with injected dependencies. */
export interface AsyncModuleOptions<O> {
  imports?: NonNullable<DynamicModule['imports']>;
  inject?: InjectionToken[];
  useFactory(...deps: never[]): O | Promise<O>;
}

/** The options provider of a context module (forRoot: a value; forRootAsync: the factory). */
export function optionsProvider<O>(
  token: InjectionToken,
  options: AsyncModuleOptions<O>,
): FactoryProvider<O> {
  return {
    provide: token,
    inject: options.inject ?? [],
    useFactory: (...deps: unknown[]) => options.useFactory(...(deps as never[])),
  };
}
