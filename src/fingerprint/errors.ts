import { InvalidRequest } from '../errors/index.js';

/** A fingerprint that is not acceptable input (RFC 6749 §5.2 invalid_request, 400). */
export class InvalidFingerprint extends InvalidRequest {
  constructor(detail: string) {
    super('the fingerprint parameter is malformed', detail);
    this.name = 'InvalidFingerprint';
  }
}
