/**
 * Embedded mode's job runner: the same processors, schedules, retry and backoff as
 * the BullMQ workers, run in the issuer process with timers. Nothing survives a
 * restart (pending push deliveries are stored rows, re-queued by `events.sweep`);
 * that durability, and several worker processes, is what cluster mode adds.
 */
import type { Logger } from 'pino';
import { backoffMs } from './backoff.js';
import { PermanentJobError } from './errors.js';
import { ATTEMPTS, type JobName, type Schedule } from './names.js';
import type { JobItem, JobQueue, Processors } from './processor.js';

export interface InProcessRunner extends JobQueue {
  /** Starts running jobs (added ones included) and the schedules. */
  start(processors: Processors, schedules: Schedule[]): void;
  /** Resolves when nothing is running or waiting for a retry (tests). */
  idle(): Promise<void>;
}

export interface InProcessOptions { log: Logger; maxBackoffSec: number; concurrency?: number }

interface Pending { name: JobName; payload: unknown; jobId?: string; attempt: number }

/** Creates the runner; jobs added before start() wait for it. */
export function createInProcessRunner(opts: InProcessOptions): InProcessRunner {
  const limit = opts.concurrency ?? 16;
  const known = new Set<string>();
  const ready: Pending[] = [];
  const timers = new Set<NodeJS.Timeout>(); // retries waiting
  const intervals = new Set<NodeJS.Timeout>(); // schedules
  let processors: Processors | undefined;
  let running = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  function pump(): void {
    while (processors && !closed && running < limit && ready.length) void run(ready.shift()!);
    if (running === 0 && ready.length === 0 && timers.size === 0) { for (const w of idleWaiters) w(); idleWaiters = []; }
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    t.unref();
    timers.add(t);
  }

  async function run(job: Pending): Promise<void> {
    running++;
    const log = opts.log.child({ job: job.name, attempt: job.attempt });
    try {
      await (processors![job.name] as (p: unknown, c: object) => Promise<void>)(job.payload, { attempt: job.attempt, log });
      forget(job);
    } catch (err) {
      retryOrDrop(job, err, log);
    } finally {
      running--;
      pump();
    }
  }

  function retryOrDrop(job: Pending, err: unknown, log: Logger): void {
    const permanent = err instanceof PermanentJobError;
    if (permanent || job.attempt >= ATTEMPTS[job.name] || closed) {
      log.warn({ err: String((err as Error)?.message ?? err), permanent }, 'job failed');
      forget(job);
      return;
    }
    later(backoffMs(job.attempt, opts.maxBackoffSec), () => { ready.push({ ...job, attempt: job.attempt + 1 }); pump(); });
  }

  function forget(job: Pending): void {
    if (job.jobId) known.delete(`${job.name}:${job.jobId}`);
  }

  function schedule(s: Schedule): void {
    let busy = false;
    const t = setInterval(() => {
      if (busy || closed) return;
      busy = true;
      void run({ name: s.name, payload: {}, attempt: 1 }).finally(() => { busy = false; });
    }, s.everySec * 1000);
    t.unref();
    intervals.add(t);
  }

  return {
    async add<N extends JobName>(name: N, items: JobItem<N>[]) {
      for (const item of items) {
        const key = item.jobId ? `${name}:${item.jobId}` : undefined;
        if (key && known.has(key)) continue;
        if (key) known.add(key);
        ready.push({ name, payload: item.payload, jobId: item.jobId, attempt: 1 });
      }
      pump();
    },
    start(p, schedules) {
      processors = p;
      for (const s of schedules) schedule(s);
      pump();
    },
    idle: () => new Promise<void>((resolve) => {
      if (running === 0 && ready.length === 0 && timers.size === 0) resolve();
      else idleWaiters.push(resolve);
    }),
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const t of intervals) clearInterval(t);
      timers.clear();
      intervals.clear();
      while (running > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
