/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and
 * per area (Portcullis source, each npm package, Node internals, GC, idle), so the
 * bench can say where an issuer's time goes without a profiler UI.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

/**
 * A time window in microseconds of the monotonic clock. V8 stamps samples with the
 * same clock as `process.hrtime` on Linux, so the bench can keep only the samples
 * taken while the load ran (start-up would otherwise dominate a short profile).
 */
export interface Window { from: number; to: number }

/** Now, in the clock of {@link Window}. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface ProfileSummary { totalMs: number; areas: [string, number][]; functions: [string, number][] }

/** Which part of the code a script URL belongs to. */
function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/dist\/(src\/[^/]+|scripts)/.exec(url);
  return own ? `portcullis ${own[1]}` : url;
}

/** The area of the nearest frame that is neither a Node internal nor native: who asked for the work. */
function chargedArea(id: number, byId: Map<number, ProfileNode>, parents: Map<number, number>): string {
  for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
    const { url } = (byId.get(cur) as ProfileNode).callFrame;
    if (url && !url.startsWith('node:')) return areaOf(url, '');
  }
  const leaf = (byId.get(id) as ProfileNode).callFrame;
  return areaOf(leaf.url, leaf.functionName);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules|dist)\//, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

/**
 * Self time (ms) within `window`, largest first: by area, with time in Node internals
 * and native code charged to the package or Portcullis folder that called them; and
 * by function, uncharged.
 */
export function summarise(profile: CpuProfile, window: Window, n = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    at += profile.timeDeltas[i] ?? 0;
    if (!node || ms <= 0 || at < window.from || at > window.to) return;
    total += ms;
    const area = chargedArea(id, byId, parents);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    functions.set(label(node), (functions.get(label(node)) ?? 0) + ms);
  });
  return { totalMs: total, areas: top(areas, n), functions: top(functions, n) };
}

/** Reads the one .cpuprofile a child wrote into `dir`. */
export async function readProfile(dir: string): Promise<CpuProfile> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
}

/** Prints a summary as two small tables of percentages. */
export function formatSummary(title: string, s: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
  const lines = [`${title} (${(s.totalMs / 1000).toFixed(1)} s sampled, self time)`, '  by area (Node internals and native code charged to their caller):'];
  for (const [name, ms] of s.areas) lines.push(`    ${pct(ms)}  ${name}`);
  lines.push('  by function:');
  for (const [name, ms] of s.functions) lines.push(`    ${pct(ms)}  ${name}`);
  return lines.join('\n');
}
