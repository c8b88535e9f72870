/**
 * All cores of a machine: a supervisor (node:cluster primary) runs `workers` issuer
 * processes that share one listening port (the primary hands each new connection to
 * the next worker). The first worker starts alone, since it may migrate the schema; the
 * others follow. A worker that dies unexpectedly is replaced (after a pause that grows
 * while workers keep dying); SIGHUP replaces them one by one, each new one listening
 * before the old one drains, so a reload refuses no request; SIGTERM/SIGINT drain all.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface SuperviseOptions {
  workers: number;
  log: Logger;
  /** how long a retiring worker may take to drain before it is killed (its SHUTDOWN_GRACE plus closing) */
  stopMs: number;
}

export interface Supervisor {
  /** pids of the workers serving now */
  pids(): number[];
  /** Replaces every worker, one at a time (what SIGHUP does). */
  reload(): Promise<void>;
  /** Drains and stops every worker. */
  stop(): Promise<void>;
}

const CRASH_WINDOW_MS = 60_000;

/** Starts the workers and handles SIGHUP, SIGTERM and SIGINT; resolves once all listen. */
export async function supervise(opts: SuperviseOptions): Promise<Supervisor> {
  const serving = new Set<Worker>();
  const retired = new WeakSet<Worker>();
  const crashes: number[] = [];
  let stopping = false;
  const { log } = opts;

  cluster.on('exit', (worker, code, signal) => {
    serving.delete(worker);
    if (stopping || retired.has(worker)) return;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && now - crashes[0] > CRASH_WINDOW_MS) crashes.shift();
    const pauseMs = Math.min(30_000, 100 * 2 ** (crashes.length - 1)); // a crash loop must not spin
    log.warn({ event: 'worker.crashed', pid: worker.process.pid, code, signal, restartInMs: pauseMs }, 'worker.crashed: replacing it');
    setTimeout(() => { if (!stopping) start().catch((err: unknown) => log.error({ err: String(err) }, 'worker.replacement_failed')); }, pauseMs).unref();
  });

  /** Forks a worker; resolves once it listens (or is retired first), rejects if it dies first. */
  function start(): Promise<Worker> {
    const worker = cluster.fork();
    return new Promise((resolve, reject) => {
      const early = (code: number | null) => (retired.has(worker) ? resolve(worker) : reject(new Error(`worker ${worker.process.pid} exited (${code}) before listening`)));
      worker.once('exit', early);
      worker.once('listening', () => {
        worker.off('exit', early);
        serving.add(worker);
        resolve(worker);
      });
    });
  }

  /** SIGTERM to one worker (it drains), SIGKILL if it outlives stopMs. */
  function retire(worker: Worker): Promise<void> {
    retired.add(worker);
    serving.delete(worker);
    return new Promise((resolve) => {
      if (worker.isDead()) { resolve(); return; }
      const kill = setTimeout(() => worker.process.kill('SIGKILL'), opts.stopMs);
      worker.once('exit', () => { clearTimeout(kill); resolve(); });
      worker.process.kill('SIGTERM');
    });
  }

  let reloading: Promise<void> | undefined;
  async function reload(): Promise<void> {
    const old = current(); // a replacement still starting after a crash is replaced too
    log.info({ event: 'workers.reloading', workers: old.length }, 'workers.reloading');
    for (const worker of old) {
      await start(); // listening before the old one stops accepting
      await retire(worker);
    }
    log.info({ event: 'workers.reloaded', pids: pids() }, 'workers.reloaded');
  }

  const pids = () => [...serving].map((w) => w.process.pid as number);
  /** Every live worker not retired: serving, or starting. */
  const current = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !retired.has(w) && !w.isDead());
  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all(Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined).map(retire));
  }

  await start();
  await Promise.all(Array.from({ length: opts.workers - 1 }, start));
  log.info({ event: 'workers.listening', pids: pids() }, `${serving.size} issuer processes listening`);
  process.on('SIGHUP', () => { reloading ??= reload().catch((err: unknown) => log.error({ err: String(err) }, 'workers.reload_failed')).finally(() => { reloading = undefined; }); });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
  return { pids, reload, stop };
}
