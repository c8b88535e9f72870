/**
 * A throw-away PostgreSQL 15 cluster for fault tests (never the shared one): initdb in
 * a temporary directory as the `postgres` user (initdb refuses root), the postmaster
 * on its own port, trust authentication. `freeze` stops the postmaster and every
 * backend with SIGSTOP (connections stay open, nothing answers); `stop` kills them;
 * `start` brings the same data directory back on the same port.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

export interface OwnPostgres { url: string; port: number; start(): Promise<void>; stop(): Promise<void>; freeze(): void; thaw(): void; remove(): Promise<void> }

// initdb and postgres refuse to run as root: as root, run them as the postgres user
function asPostgres(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()));
  return { uid, gid };
}

/** Creates and starts a cluster listening on 127.0.0.1:`port`. */
export async function startOwnPostgres(port: number): Promise<OwnPostgres> {
  const root = mkdtempSync(join(tmpdir(), 'pc-fault-pg-'));
  chmodSync(root, 0o777);
  const dir = join(root, 'data');
  const user = asPostgres();
  execFileSync(`${BIN}/initdb`, ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { stdio: 'ignore', cwd: root, ...user });
  const pids = (): number[] => {
    const main = Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = execFileSync('pgrep', ['-P', String(main)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    return [main, ...children];
  };
  const signal = (sig: NodeJS.Signals) => { for (const pid of pids()) { try { process.kill(pid, sig); } catch { /* gone */ } } };
  const own: OwnPostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port,
    async start() {
      spawn(`${BIN}/postgres`, ['-D', dir, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], { stdio: 'ignore', cwd: root, ...user });
      await waitForQuery(own.url);
    },
    freeze() { signal('SIGSTOP'); },
    thaw() { signal('SIGCONT'); },
    async stop() {
      let main: number;
      try { main = pids()[0]; } catch { return; }
      signal('SIGCONT');
      process.kill(main, 'SIGINT'); // fast shutdown: backends end, clients see their connections close
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        try { process.kill(main, 0); } catch { return; }
        await new Promise((r) => setTimeout(r, 50));
      }
      signal('SIGKILL');
    },
    async remove() {
      await own.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

async function waitForQuery(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`postgres on ${url} did not answer within 20s`);
}
