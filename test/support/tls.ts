/** HTTPS (optionally with a client certificate) and plain requests from a chosen local address. */
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { RawResponse } from './clients.js';

export interface TlsOptions { ca?: string; cert?: string; key?: string; localAddress?: string; headers?: Record<string, string> }

/** POSTs a form over HTTPS or HTTP (by the URL's scheme) and reads the answer. */
export function postForm(url: string, form: Record<string, string>, opts: TlsOptions = {}): Promise<RawResponse> {
  const body = new URLSearchParams(form).toString();
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, {
      method: 'POST', ca: opts.ca, cert: opts.cert, key: opts.key, localAddress: opts.localAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...opts.headers },
    } as never, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try { json = JSON.parse(text) as Record<string, unknown>; } catch { json = undefined; }
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
