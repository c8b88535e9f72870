/**
 * Refusals of the admin service: the input is malformed (400), names nothing (404), or
 * conflicts with what is stored (409), or was
 * read before another change of the same record (412, RFC 9110 §13.1.1 If-Match). They are OAuthErrors, so the one error renderer
 * (src/errors/render.ts) answers them over HTTP; the admin CLI prints the same message.
 */
import { OAuthError } from '../errors/index.js';

export type RefusalCode = 'invalid_request' | 'not_found' | 'conflict' | 'precondition_failed';

const STATUS: Record<RefusalCode, number> = { invalid_request: 400, not_found: 404, conflict: 409, precondition_failed: 412 };

export class AdminRefusal extends OAuthError {
  readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string) {
    super(code, STATUS[code], message, message);
    this.name = 'AdminRefusal';
    this.code = code;
  }
}

export const invalidInput = (message: string): AdminRefusal => new AdminRefusal('invalid_request', message);
export const notFound = (message: string): AdminRefusal => new AdminRefusal('not_found', message);
export const conflict = (message: string): AdminRefusal => new AdminRefusal('conflict', message);
