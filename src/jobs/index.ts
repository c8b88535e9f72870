/**
 * Jobs: names and payloads (names.ts), one processor per file (processors/), the
 * in-process runner (embedded) and BullMQ (cluster), continuous revalidation
 * evaluators. Other folders import only this file.
 */
export { JOB_NAMES, QUEUE_OF, ATTEMPTS, schedulesOf } from './names.js';
export type { JobName, JobPayloads, QueueName, Schedule } from './names.js';
export type { Processor, Processors, JobContext, JobItem, JobQueue } from './processor.js';
export { PermanentJobError } from './errors.js';
export { backoffMs } from './backoff.js';
export { createInProcessRunner } from './in-process-runner.js';
export type { InProcessRunner, InProcessOptions } from './in-process-runner.js';
export { createBullQueue, startBullWorkers } from './bullmq-runner.js';
export type { BullOptions, BullWorkers } from './bullmq-runner.js';
export { createProcessors, startIssuerJobs, startClusterWorkers, builtinPurgeTasks } from './create-jobs.js';
export type { JobDeps, JobExtensions, Jobs } from './create-jobs.js';
export type { PurgeTask } from './processors/purge-expired.js';
export type { RevalidationEvaluator, EvaluationContext, Evaluation } from './revalidation/evaluator.js';
export { subjectGenerations } from './revalidation/subject-generations.js';
export { removedClients } from './revalidation/removed-clients.js';
