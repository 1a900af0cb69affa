export * from './partner.commands';
export * from './partner.state';
export * from './partner.decider';
export * from './journey';
export * from './onboarding';
export * from './program';
export * from './money';
export * from './ideal-partner-profile';
