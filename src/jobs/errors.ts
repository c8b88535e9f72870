/**
 * A failure that retrying cannot fix (a receiver answered 400, an event's give-up
 * time passed): the runner stops retrying. Any other error is transient and retried
 * with backoff.
 */
export class PermanentJobError extends Error {
  readonly code = 'ERR_JOB_PERMANENT';
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
