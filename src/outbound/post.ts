/**
 * One POST under the outbound policy (policy.ts). The connection resolves the host
 * itself, through a lookup that refuses special-purpose addresses, so what is checked
 * is what is connected to; redirects are answers, never followed; the whole exchange
 * has a deadline.
 */
import type { LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './addresses.js';
import { endpointProblem, isAllowedHost, type OutboundPolicy } from './policy.js';

export interface OutboundAnswer { status: number; text: string }

/** Refused by the policy before or while connecting; never worth a retry. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

const MAX_ANSWER = 64 * 1024;

/** POSTs `body`; resolves with the status and (the start of) the answer, rejects on refusal, network failure or deadline. */
export function outboundPost(policy: OutboundPolicy, endpoint: string, body: string, headers: Record<string, string>): Promise<OutboundAnswer> {
  const problem = endpointProblem(policy, endpoint);
  if (problem) return Promise.reject(new OutboundRefused(problem));
  const url = new URL(endpoint);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: isAllowedHost(policy, url) ? policy.lookup as unknown as LookupFunction : publicOnly(policy), agent: false, signal: AbortSignal.timeout(policy.timeoutMs),
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => { if ((size += c.length) <= MAX_ANSWER) chunks.push(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The policy's lookup, failing when any address it returns is not public (net asks with `all` for happy eyeballs). */
const publicOnly = (policy: OutboundPolicy): LookupFunction => (hostname, options, callback) => {
  policy.lookup(hostname, { ...options, all: true }, (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    if (!addresses.length || addresses.some((a) => !isPublicAddress(a.address))) {
      return callback(new OutboundRefused(`${hostname} resolves to an address that is not public`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

