import { spawn, type ChildProcess } from 'node:child_process';

/** A service's main running as its own OS process (distributed-mode tests). */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** The http://host:port its main logged ("health: …/health/ready"). */
  readonly url: Promise<string>;
  /** host:port of its gRPC server, as logged. */
  readonly grpcAddress: Promise<string>;
  /** Resolves when it exits, with its exit code (null when killed by a signal) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  /** Sends the signal and waits for the exit; the time from the signal to the exit in afterMs. */
  stop(
    signal?: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

/** Spawns `node mainJs` with env over this process's environment; SIGKILLed if the test forgets it. */
export function spawnService(mainJs: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let signalledAt = Date.now();
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>(
    (resolve) =>
      child.on('exit', (code, signal) => {
        for (const w of waiters.splice(0)) w();
        resolve({ code, signal, afterMs: Date.now() - signalledAt });
      }),
  );
  let done = false;
  void exited.then(() => (done = true));
  const kill = () => {
    if (!done) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const logged = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(text);
        if (m) return resolve(m[1]!);
        if (done) return reject(new Error(`${mainJs} exited before logging ${pattern}:\n${text}`));
        waiters.push(check);
      };
      check();
    });
  const url = logged(/health: (http:\/\/[^/\s]+)\/health/);
  const grpcAddress = logged(/gRPC: (\S+:\d+)/);
  url.catch(() => undefined);
  grpcAddress.catch(() => undefined);
  return {
    child,
    output: () => text,
    url,
    grpcAddress,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      signalledAt = Date.now();
      if (!done) child.kill(signal);
      return exited;
    },
  };
}
