/**
 * `sessions.revalidate`: runs every evaluator, emits what it found, then stores its
 * state (src/jobs/revalidation/evaluator.ts explains the contract). One evaluator's
 * failure does not stop the others; the job is retried if any failed.
 */
import type { EventEmitter } from '../../events/index.js';
import type { Database } from '../../storage/index.js';
import type { Processor } from '../processor.js';
import type { RevalidationEvaluator } from '../revalidation/evaluator.js';

export interface RevalidateDeps { db: Database; events: EventEmitter; evaluators: RevalidationEvaluator[]; now?: () => Date }

/** Creates the processor. */
export function revalidateProcessor(deps: RevalidateDeps): Processor<'sessions.revalidate'> {
  return async (_payload, { log }) => {
    const failures: string[] = [];
    for (const evaluator of deps.evaluators) {
      try {
        const emitted = await runEvaluator(deps, evaluator);
        if (emitted) log.info({ evaluator: evaluator.name, emitted }, 'sessions.revalidated');
      } catch (err) {
        failures.push(evaluator.name);
        log.warn({ evaluator: evaluator.name, err: String((err as Error)?.message ?? err) }, 'evaluator failed');
      }
    }
    if (failures.length) throw new Error(`revalidation failed for ${failures.join(', ')}`);
  };
}

async function runEvaluator(deps: RevalidateDeps, evaluator: RevalidationEvaluator): Promise<number> {
  const name = `revalidate:${evaluator.name}`;
  const row = await deps.db.prisma.jobState.findUnique({ where: { name } });
  const result = await evaluator.evaluate({ now: deps.now?.() ?? new Date(), state: row?.state ?? undefined });
  let emitted = 0;
  for (const event of result.events) emitted += await deps.events.emit(event);
  const state = result.state as object;
  await deps.db.prisma.jobState.upsert({ where: { name }, create: { name, state }, update: { state } });
  return emitted;
}
