/**
 * Cluster mode's job runner on BullMQ: a producer (every issuer process adds jobs) and
 * workers (`npm run worker`, as many processes as wanted). Jobs are durable in Redis,
 * so a restart loses nothing, and a stalled job (its worker died) is run again by
 * another worker: processors are idempotent. PermanentJobError becomes BullMQ's
 * UnrecoverableError (no more attempts); anything else is retried with backoffMs.
 */
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { redisOptions, type RedisTimeouts } from '../redis/index.js';
import { backoffMs } from './backoff.js';
import { PermanentJobError } from './errors.js';
import { ATTEMPTS, QUEUE_OF, type JobName, type QueueName, type Schedule } from './names.js';
import type { JobItem, JobQueue, Processors } from './processor.js';

export interface BullOptions { redisUrl: string; prefix: string; redisTimeouts: RedisTimeouts }

// Producers add jobs on request paths: each command has the deadline and fails at once
// while Redis is away (the stored events are swept up later). Workers block on Redis by
// design, so their connections have no command deadline.
function connection(opts: BullOptions, role: 'command' | 'blocking'): ConnectionOptions {
  // BullMQ types its bundled ioredis' options; ours are the same object
  return { url: opts.redisUrl, ...redisOptions(opts.redisTimeouts, role) } as unknown as ConnectionOptions;
}

function jobOptions(name: JobName, jobId?: string) {
  return {
    jobId, attempts: ATTEMPTS[name], backoff: { type: 'custom' },
    removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 7 * 86400, count: 10_000 },
  };
}

/** A producer: adds jobs to the Redis queues. */
export function createBullQueue(opts: BullOptions): JobQueue & { queue(name: QueueName): Queue } {
  const queues = new Map<QueueName, Queue>();
  function queue(name: QueueName): Queue {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: connection(opts, 'command'), prefix: opts.prefix });
      q.on('error', () => undefined); // ioredis reconnects; add() rejects meanwhile
      queues.set(name, q);
    }
    return q;
  }
  return {
    queue,
    async add<N extends JobName>(name: N, items: JobItem<N>[]) {
      if (!items.length) return;
      await queue(QUEUE_OF[name]).addBulk(items.map((i) => ({ name, data: i.payload, opts: jobOptions(name, i.jobId) })));
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

export interface BullWorkers { close(): Promise<void> }

/** Starts one worker per queue and registers the schedules (idempotent upserts). */
export async function startBullWorkers(opts: BullOptions & { processors: Processors; schedules: Schedule[]; maxBackoffSec: number; log: Logger; concurrency?: number }): Promise<BullWorkers> {
  const producer = createBullQueue(opts);
  for (const s of opts.schedules) {
    await producer.queue(QUEUE_OF[s.name]).upsertJobScheduler(`every:${s.name}`, { every: s.everySec * 1000 }, { name: s.name, data: {}, opts: jobOptions(s.name) });
  }
  const workers = (['maintenance', 'events'] as QueueName[]).map((name) => {
    const worker = new Worker(name, (job: Job) => dispatch(opts, job), {
      connection: connection(opts, 'blocking'), prefix: opts.prefix,
      concurrency: name === 'events' ? (opts.concurrency ?? 64) : 1,
      settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade, opts.maxBackoffSec) },
    });
    worker.on('error', (err) => opts.log.warn({ err: err.message, queue: name }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await producer.close();
    },
  };
}

async function dispatch(opts: { processors: Processors; log: Logger }, job: Job): Promise<void> {
  const name = job.name as JobName;
  const processor = opts.processors[name] as ((p: unknown, c: object) => Promise<void>) | undefined;
  if (!processor) throw new UnrecoverableError(`unknown job ${job.name}`);
  const log = opts.log.child({ job: name, jobId: job.id, attempt: job.attemptsMade + 1 });
  try {
    await processor(job.data, { attempt: job.attemptsMade + 1, log });
  } catch (err) {
    if (err instanceof PermanentJobError) {
      log.warn({ err: err.message }, 'job failed permanently');
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
}
