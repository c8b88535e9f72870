/**
 * A throw-away redis-server on a spare loopback port (nothing persisted), for tests
 * that stop Redis mid-run. `stop` kills it; `start` brings it back on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';

export interface OwnRedis {
  url: string; port: number; start(): Promise<void>; stop(): Promise<void>;
  /** SIGSTOP: a hung Redis whose connections stay open */
  freeze(): void;
  /** SIGCONT */
  thaw(): void;
}

/** Starts redis-server on `port` and waits until it answers PING. */
export async function startOwnRedis(port: number): Promise<OwnRedis> {
  let child: ChildProcess | undefined;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`, port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitForPing(port);
    },
    freeze() { child?.kill('SIGSTOP'); },
    thaw() { child?.kill('SIGCONT'); },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => { running.once('exit', () => resolve()); running.kill('SIGKILL'); running.kill('SIGCONT'); });
    },
  };
  await own.start();
  return own;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server on port ${port} did not answer within 10s`);
}
