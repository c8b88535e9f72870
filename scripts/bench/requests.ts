/**
 * The two requests the benchmark measures, built once and sent unchanged by every
 * connection: a client_credentials token request and an introspection request.
 */
import type { Target } from './portcullis.js';

export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

const FORM = 'application/x-www-form-urlencoded';

/** Resource indicator for which the bare provider issues opaque tokens (its introspection reference). */
export const OPAQUE_AUDIENCE = 'https://opaque.bench.example';

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64. */
export function basicAuth(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

/** POST /token, grant_type=client_credentials, client_secret_basic, one resource. */
export function tokenRequest(target: Target): HttpRequest {
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource: target.audience, scope: target.scopes }).toString();
  return { url: `${target.url}/token`, method: 'POST', headers: { authorization: basicAuth(target.clientId, target.clientSecret), 'content-type': FORM }, body };
}

/** POST /introspect for `token`, authenticated as the client that owns it (RFC 7662 §2.1). */
export function introspectionRequest(target: Target, token: string, url = `${target.url}/introspect`): HttpRequest {
  const body = new URLSearchParams({ token, token_type_hint: 'access_token' }).toString();
  return { url, method: 'POST', headers: { authorization: basicAuth(target.clientId, target.clientSecret), 'content-type': FORM }, body };
}

/** Sends one request; returns status and parsed JSON body. */
export async function send(req: HttpRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = { raw: text }; }
  return { status: res.status, json };
}

/** Fetches a token, retrying briefly: registry changes reach a running issuer within about a second. */
export async function obtainToken(target: Target, attempts = 20): Promise<string> {
  let last = '';
  for (let i = 0; i < attempts; i += 1) {
    const { status, json } = await send(tokenRequest(target));
    if (status === 200 && typeof json.access_token === 'string') return json.access_token;
    last = `${status} ${JSON.stringify(json)}`;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no token from ${target.url}/token: ${last}`);
}
