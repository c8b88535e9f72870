/** Who permissions are granted to: a user (by user id) or a client (by client id). */
export const SUBJECT_KINDS = ['user', 'client'] as const;
export type SubjectKind = typeof SUBJECT_KINDS[number];

export interface Subject { kind: SubjectKind; id: string }

/** Validates a subject id; returns the problem in one line, or undefined. */
export function subjectProblem(subject: Subject): string | undefined {
  if (!(SUBJECT_KINDS as readonly string[]).includes(subject.kind)) return `subject kind must be one of ${SUBJECT_KINDS.join(', ')}`;
  // eslint-disable-next-line no-control-regex
  if (!subject.id || subject.id.length > 255 || /[\x00-\x1f\x7f]/.test(subject.id)) return `${subject.kind} id must be 1-255 characters without control characters`;
  return undefined;
}
