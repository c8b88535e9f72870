/**
 * The real relying-party libraries as test clients: openid-client configurations
 * obtained by discovery, and a plain form POST for requests those libraries would
 * refuse to send (hostile input).
 */
import * as client from 'openid-client';
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Discovers the issuer over plain HTTP (loopback) as the given client. */
export async function discover(url: string, clientId: string, secret: string, method: AuthMethod = 'client_secret_basic', metadata: Partial<client.ClientMetadata> = {}): Promise<client.Configuration> {
  const auth = method === 'client_secret_basic' ? client.ClientSecretBasic(secret) : client.ClientSecretPost(secret);
  return client.discovery(new URL(url), clientId, { ...metadata }, auth, { execute: [client.allowInsecureRequests] });
}

export interface RawResponse { status: number; headers: Headers; text: string; json?: Record<string, unknown> }

/** POSTs a form (or any body) and reads the whole answer. */
export async function post(url: string, body: string | URLSearchParams, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST', body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return read(response);
}

/** GETs a URL and reads the whole answer. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return read(await fetch(url, { headers }));
}

async function read(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}

/** HTTP Basic credentials (RFC 6749 §2.3.1 form-encodes both parts first). */
export function basic(id: string, secret: string): Record<string, string> {
  const enc = (s: string) => encodeURIComponent(s);
  return { authorization: `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}` };
}

/** The outer JWS header and the inner JWE header of a nested token. */
export function headersOf(token: string): { outer: ProtectedHeaderParameters; inner: ProtectedHeaderParameters; jwe: string } {
  const jwe = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
  return { outer: decodeProtectedHeader(token), inner: decodeProtectedHeader(jwe), jwe };
}
