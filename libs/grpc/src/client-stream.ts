import type { ServerReadableStream } from '@grpc/grpc-js';

export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 30_000;

/**
 * A client stream that did not end normally: the client cancelled it, its connection dropped
 * (both reach the server as a cancellation), or it sent nothing for the idle timeout. Whatever
 * the handler read so far is a fragment, never a whole request.
 */
export class StreamInterruptedError extends Error {
  constructor(
    readonly reason: 'cancelled' | 'idle-timeout',
    message: string,
  ) {
    super(message);
    this.name = 'StreamInterruptedError';
  }
}

/** The request messages of a client stream, and a signal that fires when the stream breaks. */
export interface ClientMessages<T = unknown> extends AsyncIterableIterator<T> {
  readonly signal: AbortSignal;
}

/** The messages a client-streaming handler gets, when it needs the stream's signal. */
export function clientStreamSignal(messages: AsyncIterable<unknown>): AbortSignal | undefined {
  return (messages as Partial<ClientMessages>).signal;
}

/** The checked `idempotency-key` metadata of a client stream (what a unary request gets as requestId). */
export function clientStreamIdempotencyKey(messages: AsyncIterable<unknown>): string | undefined {
  return (messages as { idempotencyKey?: string }).idempotencyKey;
}

const HIGH_WATER = 16;

/**
 * The messages of a client stream as an async iterator that ends only on the client's
 * half-close. grpc-js destroys the readable stream on a cancellation without an error, which
 * its own async iterator reports as a normal end; here a cancellation, a reset connection or a
 * stream idle for `idleTimeoutMs` while the handler waits for it throws StreamInterruptedError
 * instead. The idle clock runs only while the handler waits (not while it is busy or queued).
 */
export function clientMessages<T>(
  call: ServerReadableStream<T, unknown>,
  idleTimeoutMs: number,
): ClientMessages<T> {
  const queue: T[] = [];
  const controller = new AbortController();
  let ended = false;
  let failure: StreamInterruptedError | undefined;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (error: StreamInterruptedError) => {
    // Also after the end: a cancellation before the answer still means nothing may commit.
    if (!controller.signal.aborted) controller.abort(error);
    if (ended || failure) return;
    failure = error;
    clearTimeout(timer);
    notify();
  };
  const cancelled = () =>
    fail(
      new StreamInterruptedError(
        'cancelled',
        'the upload was cancelled or its connection dropped before the client ended it',
      ),
    );
  call.on('data', (message: T) => {
    queue.push(message);
    if (queue.length >= HIGH_WATER) call.pause();
    notify();
  });
  call.on('end', () => {
    // Node's HTTP/2 stream also ends its readable side when the peer resets it, and grpc-js
    // reports that as a half-close before the cancellation: wait for the cancellation the same
    // reset raises before believing the end.
    setImmediate(() =>
      setImmediate(() => {
        ended = !failure && !call.cancelled;
        if (call.cancelled) cancelled();
        notify();
      }),
    );
  });
  call.on('cancelled', cancelled);
  call.on('error', cancelled);
  call.on('close', () => {
    if (!ended) setImmediate(() => setImmediate(() => !ended && cancelled()));
  });
  if (call.cancelled) cancelled();
  const iterator: ClientMessages<T> = {
    signal: controller.signal,
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (failure) throw failure;
        if (queue.length > 0) {
          const value = queue.shift()!;
          if (queue.length < HIGH_WATER / 2) call.resume();
          return { value, done: false };
        }
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (idleTimeoutMs > 0)
            timer = setTimeout(
              () =>
                fail(
                  new StreamInterruptedError(
                    'idle-timeout',
                    `the upload sent nothing for ${idleTimeoutMs} ms (idle timeout) before the client ended it`,
                  ),
                ),
              idleTimeoutMs,
            );
        });
        clearTimeout(timer);
      }
    },
    async return(): Promise<IteratorResult<T>> {
      queue.length = 0;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
