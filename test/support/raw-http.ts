/**
 * HTTP/1.1 requests written byte for byte on a socket, for request targets that fetch
 * would normalise or refuse (absolute-form, dot segments, odd spellings).
 */
import { connect } from 'node:net';

export interface RawAnswer { status: number; head: string; body: string }

/** Sends one request with `target` exactly as given; answers the status line's code, the head and the body. */
export function rawRequest(url: string, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(url);
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close', `Content-Length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: rest.join('\r\n\r\n') });
    });
  });
}
