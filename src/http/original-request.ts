/**
 * The request a gateway is asking about, from the headers it forwards with its
 * authorization subrequest. Only an authenticated gateway is asked, so these headers are
 * its word; each gateway spells them its own way:
 *  - nginx `auth_request`: `X-Original-Method` and `X-Original-URL`, set in its
 *    configuration (docs/gateways/nginx.conf);
 *  - Traefik ForwardAuth: `X-Forwarded-Method`, `-Proto`, `-Host`, `-Uri`;
 *  - Envoy `ext_authz` (HTTP service): the original method, and the original path
 *    appended to the check's path (`/gateway/check/<path>`), with `X-Forwarded-Proto`
 *    and the original `Host`.
 */
import { X509Certificate } from 'node:crypto';
import type { Context } from 'koa';
import { InvalidRequest } from '../errors/index.js';

/** The path under which Envoy appends the original path. */
export const CHECK_PATH = '/gateway/check';

export interface OriginalRequest { method: string; url: string; certificate?: X509Certificate; fingerprint?: string }

const METHOD = /^[A-Z]{1,16}$/;

/** The method and URL of the original request; invalid_request when the gateway sent neither form. */
export function originalRequest(ctx: Context): OriginalRequest {
  const method = (ctx.get('x-original-method') || ctx.get('x-forwarded-method') || (ctx.path !== CHECK_PATH ? ctx.method : '')).toUpperCase();
  const url = ctx.get('x-original-url') || forwardedUrl(ctx);
  if (!METHOD.test(method) || !url || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new InvalidRequest('the gateway must forward the original method and URL', `method ${method || '-'}, url ${url || '-'}`);
  }
  return { method, url, certificate: certificateOf(ctx.get('x-client-cert')), fingerprint: ctx.get('portcullis-fingerprint') || undefined };
}

/** Traefik's X-Forwarded-* set, or Envoy's appended path. */
function forwardedUrl(ctx: Context): string {
  const proto = ctx.get('x-forwarded-proto') || 'https';
  const host = ctx.get('x-forwarded-host') || ctx.get('host');
  const uri = ctx.get('x-forwarded-uri') || (ctx.path.startsWith(`${CHECK_PATH}/`) ? ctx.url.slice(CHECK_PATH.length) : '');
  return host && uri.startsWith('/') ? `${proto}://${host}${uri}` : '';
}

/** The client certificate the gateway's TLS saw (PEM, URL-encoded as nginx's `$ssl_client_escaped_cert`). */
function certificateOf(header: string): X509Certificate | undefined {
  if (!header) return undefined;
  try {
    return new X509Certificate(decodeURIComponent(header));
  } catch {
    throw new InvalidRequest('the forwarded client certificate is malformed');
  }
}
