/**
 * Continuous revalidation: a token is not trusted forever once checked; on every
 * `sessions.revalidate` run each evaluator looks at what changed since its last run and
 * returns the security events to emit. The processor emits them, then stores the
 * evaluator's new state, so a crash in between emits again (emit is idempotent).
 *
 * To add an evaluator (users disabled or deleted, permission changes, risk decisions):
 * implement this interface in its own file and pass it in `extensions.evaluators` to
 * both startIssuer (src/server/start.ts: embedded mode runs it there) and
 * startWorkerProcess (cluster mode runs it in the workers). Rules: `evaluate` must be safe to run twice for the same state; its
 * state must be small JSON (it is stored in the JobState table under
 * `revalidate:<name>`); return the events, do not emit them yourself.
 */
import type { SecurityEventInput } from '../../events/index.js';

export interface EvaluationContext<S> {
  now: Date;
  /** the state this evaluator returned last time, undefined on its first run */
  state: S | undefined;
}

export interface Evaluation<S> {
  events: SecurityEventInput[];
  /** stored for the next run */
  state: S;
}

export interface RevalidationEvaluator<S = unknown> {
  /** stable name (state key and log field) */
  readonly name: string;
  evaluate(ctx: EvaluationContext<S>): Promise<Evaluation<S>>;
}
