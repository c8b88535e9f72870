/**
 * A loopback TCP proxy that counts what passes: bytes each way, and, for PostgreSQL,
 * the frontend messages that end a round trip (Sync of the extended protocol, Query of
 * the simple one). What an issuer asks of its database and Redis per token, measured on
 * the wire instead of guessed.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Counts { up: number; down: number; roundTrips: number }
export interface CountingProxy { port: number; counts(): Counts; close(): Promise<void> }

/** Proxies 127.0.0.1:<free port> to `target`; `postgres` parses frontend messages. */
export async function startCountingProxy(target: { host: string; port: number }, postgres = false): Promise<CountingProxy> {
  const totals: Counts = { up: 0, down: 0, roundTrips: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const frames = postgres ? pgFrames(() => { totals.roundTrips++; }) : undefined;
    client.on('data', (b: Buffer) => { totals.up += b.length; frames?.(b); upstream.write(b); });
    upstream.on('data', (b: Buffer) => { totals.down += b.length; client.write(b); });
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    counts: () => ({ ...totals }),
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

/** A parser of one connection's frontend stream: the untyped start-up packet, then typed messages. */
function pgFrames(onRoundTrip: () => void): (b: Buffer) => void {
  let pending = Buffer.alloc(0);
  let started = false;
  return (b) => {
    pending = Buffer.concat([pending, b]);
    for (;;) {
      const head = started ? 5 : 4;
      if (pending.length < head) return;
      const length = pending.readUInt32BE(started ? 1 : 0) + (started ? 1 : 0);
      if (pending.length < length) return;
      if (!started) {
        const code = pending.readUInt32BE(4);
        started = code !== 80877103; // an SSLRequest is followed by the real start-up packet
      } else if (pending[0] === 0x53 || pending[0] === 0x51) onRoundTrip(); // 'S' Sync, 'Q' Query
      pending = pending.subarray(length);
    }
  };
}
