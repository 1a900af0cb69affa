/** The outcome of normalizing user input: the canonical value, or a reason written for the user. */
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

export const accept = <T>(value: T): Normalized<T> => ({ ok: true, value });
export const refuse = <T = never>(reason: string): Normalized<T> => ({ ok: false, reason });
