/**
 * Protocol failures. Each carries the OAuth `error` code, the HTTP status, a public
 * description safe to show the client, and a private detail that only reaches logs.
 * oidc-provider renders its own errors; these are for Portcullis's routes and the
 * middleware that runs in front of oidc-provider.
 */
export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  readonly description: string;
  readonly detail?: string;
  readonly headers: Record<string, string>;

  constructor(error: string, status: number, description: string, detail?: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
    this.description = description;
    this.detail = detail;
    this.headers = headers;
  }
}

/** RFC 6749 §5.2 invalid_request (400). */
export class InvalidRequest extends OAuthError {
  constructor(description = 'the request is malformed', detail?: string) {
    super('invalid_request', 400, description, detail);
  }
}

/** RFC 6749 §5.2 invalid_client (401). */
export class InvalidClient extends OAuthError {
  constructor(detail?: string) {
    super('invalid_client', 401, 'client authentication failed', detail, { 'WWW-Authenticate': 'Basic realm="portcullis"' });
  }
}

/** RFC 6750 §3.1 invalid_token (401). */
export class InvalidToken extends OAuthError {
  constructor(detail?: string) {
    super('invalid_token', 401, 'the access token is invalid', detail);
  }
}

/** RFC 8707 §2 invalid_target (400). */
export class InvalidTarget extends OAuthError {
  constructor(description = 'the requested resource is invalid, unknown or not allowed', detail?: string) {
    super('invalid_target', 400, description, detail);
  }
}

/** Anything not meant for the client becomes this (500), details go to logs only. */
export class ServerError extends OAuthError {
  constructor(detail?: string) {
    super('server_error', 500, 'the server encountered an unexpected error', detail);
  }
}

/** Body of an RFC 6749 §5.2 error response. */
export function errorBody(err: OAuthError): { error: string; error_description: string } {
  return { error: err.error, error_description: err.description };
}

/**
 * Throttled: HTTP 429 (RFC 6585 §4) with Retry-After and the RateLimit
 * fields. The error code is invalid_request: RFC 6749 §5.2's list is closed for the
 * token endpoint (and RFC 7009 §2.2.1 / RFC 7662 §2.3 reuse it); `slow_down` means
 * "poll slower" in the device grant (RFC 8628 §3.5) and `temporarily_unavailable` is
 * registered for the authorization endpoint only.
 */
export class TooManyRequests extends OAuthError {
  constructor(retryAfter: number, headers: Record<string, string>, detail?: string) {
    super('invalid_request', 429, `too many requests, retry after ${retryAfter} seconds`, detail, headers);
  }
}

/**
 * A dependency (the database) is down or too slow: HTTP 503 with Retry-After
 * (RFC 9110 §15.6.4, §10.2.3), so clients back off and retry instead of treating it as
 * a failure of their request. `temporarily_unavailable` is the code RFC 6749
 * §4.1.2.1 gives exactly this condition.
 */
export class TemporarilyUnavailable extends OAuthError {
  constructor(retryAfter = 5, detail?: string) {
    super('temporarily_unavailable', 503, 'the service is temporarily unavailable, retry later', detail, { 'Retry-After': String(retryAfter) });
  }
}
