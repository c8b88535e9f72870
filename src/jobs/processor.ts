import type { Logger } from 'pino';
import type { JobName, JobPayloads } from './names.js';

/** What a processor learns about the run. */
export interface JobContext {
  /** 1 for the first attempt */
  attempt: number;
  log: Logger;
}

/** Runs one job. Must be idempotent: a stalled job is run again. */
export type Processor<N extends JobName> = (payload: JobPayloads[N], ctx: JobContext) => Promise<void>;

/** One processor per job name. */
export type Processors = { [N in JobName]: Processor<N> };

/** A job to add: its payload and, for deduplication, an id. */
export interface JobItem<N extends JobName> { payload: JobPayloads[N]; jobId?: string }

/**
 * Where producers put jobs. Both runners implement it; a job added twice with the same
 * id while the first is still known is added once.
 */
export interface JobQueue {
  add<N extends JobName>(name: N, items: JobItem<N>[]): Promise<void>;
  close(): Promise<void>;
}
