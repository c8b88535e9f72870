/**
 * Flagged addresses: deny and watch lists (from RISK_DENY_IPS / RISK_WATCH_IPS and their
 * files, re-read when the file's mtime changes), and addresses that failed recently
 * (wrong passwords, inactive tokens: RISK_RECENT_FAILURES within RISK_FAILURE_WINDOW),
 * counted in the risk memory.
 */
import { isIP, type BlockList } from 'node:net';
import { stat } from 'node:fs/promises';
import { compileIpList, loadIpListFile } from '../ip-list.js';
import type { Signal } from '../types.js';
import { createLocalMemory, type RiskMemory } from '../memory/index.js';

export interface FlaggedIpOptions {
  deny: string[]; watch: string[]; denyFile?: string; watchFile?: string; max: number;
  recentFailures: number; failureWindowSec: number;
  /** where failures are counted (process memory when absent) */
  memory?: RiskMemory;
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

interface Source { fixed: BlockList; file?: string; fromFile?: BlockList; mtimeMs?: number }

// Verdicts per list and address: BlockList.check builds a SocketAddress on every call,
// and every token request asks. Lists are never changed once compiled (a reload makes a
// new BlockList, with no verdicts yet); null marks an empty list.
const verdicts = new WeakMap<BlockList, Map<string, boolean> | null>();
const VERDICTS = 10_000;

function has(list: BlockList | undefined, ip: string): boolean {
  if (list === undefined) return false;
  let known = verdicts.get(list);
  if (known === undefined) verdicts.set(list, known = list.rules.length === 0 ? null : new Map());
  if (known === null) return false;
  let verdict = known.get(ip);
  if (verdict === undefined) {
    const family = isIP(ip);
    verdict = family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
    if (known.size >= VERDICTS) known.clear();
    known.set(ip, verdict);
  }
  return verdict;
}

/** Loads the lists (throws IpListError on a bad list) and returns the signal. */
export async function createFlaggedIps(opts: FlaggedIpOptions) {
  const source = async (entries: string[], name: string, file?: string): Promise<Source> => {
    const s: Source = { fixed: compileIpList(entries, opts.max, (i) => `${name} entry ${i + 1}`), file };
    if (file) Object.assign(s, await loadIpListFile(file, opts.max).then((r) => ({ fromFile: r.list, mtimeMs: r.mtimeMs })));
    return s;
  };
  const deny = await source(opts.deny, 'RISK_DENY_IPS', opts.denyFile);
  const watch = await source(opts.watch, 'RISK_WATCH_IPS', opts.watchFile);
  const memory = opts.memory ?? createLocalMemory();
  const failureMs = opts.failureWindowSec * 1000;

  async function reload(s: Source): Promise<void> {
    if (!s.file) return;
    try {
      const { mtimeMs } = await stat(s.file);
      if (mtimeMs === s.mtimeMs) return;
      const loaded = await loadIpListFile(s.file, opts.max);
      Object.assign(s, { fromFile: loaded.list, mtimeMs: loaded.mtimeMs });
      opts.log.info({ file: s.file }, 'risk.ip_list.reloaded');
    } catch (err) {
      opts.log.error({ file: s.file, err: (err as Error).message }, 'risk.ip_list.rejected: the previous list stays in force');
    }
  }

  return {
    denied: (ip: string) => has(deny.fixed, ip) || has(deny.fromFile, ip),
    /** Signals for a request from `ip` at `at` (ms). */
    async observe(ip: string | undefined, at: number): Promise<Signal[]> {
      if (!ip) return [];
      const signals: Signal[] = [];
      if (has(watch.fixed, ip) || has(watch.fromFile, ip)) signals.push({ name: 'flagged_ip', details: { list: 'watch' } });
      const recent = await memory.peekCount('failure', ip, at, failureMs);
      if (recent >= opts.recentFailures) signals.push({ name: 'recent_failures', details: { failures: recent } });
      return signals;
    },
    async failed(ip: string | undefined, at: number): Promise<void> {
      if (ip) await memory.count('failure', ip, at, failureMs);
    },
    /** Re-reads changed list files (called every RISK_LIST_RELOAD). */
    reload: () => Promise.all([reload(deny), reload(watch)]).then(() => undefined),
  };
}
export type FlaggedIps = Awaited<ReturnType<typeof createFlaggedIps>>;
