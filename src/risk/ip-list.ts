/**
 * IP lists (deny, watch): CIDR blocks or single addresses compiled into a node:net
 * BlockList. Files hold one entry per line, `#` starts a comment. A malformed line or a
 * file over the size limit is refused with an IpListError naming the file and line, at
 * start-up; on a reload the previous list stays in force and the error is logged.
 */
import { BlockList, isIP } from 'node:net';
import { readFile, stat } from 'node:fs/promises';

export class IpListError extends Error {
  readonly code = 'ERR_RISK_IP_LIST';
  constructor(message: string) {
    super(message);
    this.name = 'IpListError';
  }
}

const MAX_LINE = 100;

/** Parses one entry; undefined when malformed. */
function entryOf(text: string): { address: string; bits?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  if (prefix === undefined) return { address, family: family === 6 ? 'ipv6' : 'ipv4' };
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined;
  return { address, bits: Number(prefix), family: family === 6 ? 'ipv6' : 'ipv4' };
}

/** Compiles entries; `where(i)` names the source of entry i in errors. */
export function compileIpList(entries: string[], max: number, where: (i: number) => string): BlockList {
  if (entries.length > max) throw new IpListError(`${where(max)}: more than ${max} entries (RISK_IP_LIST_MAX)`);
  const list = new BlockList();
  entries.forEach((raw, i) => {
    const e = raw.length <= MAX_LINE ? entryOf(raw) : undefined;
    if (!e) throw new IpListError(`${where(i)}: not an IP address or CIDR block: ${JSON.stringify(raw.slice(0, 60))}`);
    if (e.bits === undefined) list.addAddress(e.address, e.family);
    else list.addSubnet(e.address, e.bits, e.family);
  });
  return list;
}

/** Reads and compiles a list file (size checked before reading). */
export async function loadIpListFile(file: string, max: number): Promise<{ list: BlockList; mtimeMs: number }> {
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    throw new IpListError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (info.size > max * (MAX_LINE + 2)) throw new IpListError(`${file}: ${info.size} bytes is too large for ${max} entries (RISK_IP_LIST_MAX)`);
  const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
  const kept: { text: string; line: number }[] = [];
  lines.forEach((line, i) => {
    const text = line.replace(/#.*/, '').trim();
    if (text) kept.push({ text, line: i + 1 });
  });
  const list = compileIpList(kept.map((k) => k.text), max, (i) => `${file}:${kept[Math.min(i, kept.length - 1)]?.line ?? 1}`);
  return { list, mtimeMs: info.mtimeMs };
}
