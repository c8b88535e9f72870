/**
 * `rows.purge`: deletes rows nobody needs any more. Each task is a plain delete of
 * rows past a cut-off, so running it twice is harmless. Future retention purges
 * (e.g. fingerprints) add a PurgeTask.
 */
import type { Processor } from '../processor.js';

export interface PurgeTask {
  /** log field */
  name: string;
  /** deletes what is expired at `now`; returns how many rows went */
  purge(now: Date): Promise<number>;
}

/** Creates the processor. */
export function purgeExpiredProcessor(deps: { tasks: PurgeTask[]; now?: () => Date }): Processor<'rows.purge'> {
  return async (_payload, { log }) => {
    const now = deps.now?.() ?? new Date();
    const purged: Record<string, number> = {};
    for (const task of deps.tasks) purged[task.name] = await task.purge(now);
    log.info({ purged }, 'rows.purged');
  };
}
