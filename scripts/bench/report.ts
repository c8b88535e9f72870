/**
 * Formatting for the benchmark's figures: the machine, one Markdown table of HTTP
 * results with the Portcullis / baseline ratios and goals, and the crypto ceiling.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { CryptoFigures } from './crypto-ceiling.js';
import type { LoadFigures } from './load.js';

export interface Comparison {
  scenario: string;
  /** `rounds`: every round's figures, in round order (the baseline's round i ran next to the subject's) */
  subject: { name: string; figures: LoadFigures; rounds?: LoadFigures[] };
  baseline: { name: string; figures: LoadFigures; rounds?: LoadFigures[] };
  /** the floor for the ratio; absent: the row is for reference */
  goal?: number;
  /** a ceiling for the subject's p99 latency, in ms */
  p99Below?: number;
  /** further rows for context: Portcullis / reference is shown, no goal */
  references?: { name: string; figures: LoadFigures }[];
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line ? line.split(':')[1].trim() : cpus()[0]?.model ?? 'unknown';
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

/** 1/5/15-minute load averages, e.g. "0.52 0.70 0.36". */
export function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** One line per machine fact. */
export function machine(): string {
  return [`cpus: ${availableParallelism()} x ${cpuModel()}`, `node: ${process.version}`, `load average at start: ${load()}`].join('\n');
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(n < 10 ? 1 : 0);

function row(scenario: string, name: string, f: LoadFigures, ratio: string, goal: string): string {
  const cpu = Number.isFinite(f.cpuPerRequest) ? num(f.cpuPerRequest) : '?';
  return `| ${scenario} | ${name} | ${num(f.rps)} | ${ms(f.p50)} | ${ms(f.p99)} | ${f.non2xx} | ${cpu} | ${ratio} | ${goal} |`;
}

/** Baseline CPU per request / Portcullis CPU per request: the ratio with background load factored out. */
function cpuRatio(subject: LoadFigures, baseline: LoadFigures): string {
  const r = baseline.cpuPerRequest / subject.cpuPerRequest;
  return Number.isFinite(r) ? ` (CPU ${r.toFixed(2)}x)` : '';
}

/**
 * The median over rounds of the subject's req/s over its baseline's in the same round.
 * Each Portcullis run sits next to its baseline run, so load from outside (which moves
 * both between rounds, here by up to half) cancels in each round's ratio; the ratio of
 * the two independent medians can pair a slow round of one with a fast round of the other.
 * Undefined with fewer than two paired rounds.
 */
export function pairedRatio(subject: LoadFigures[] | undefined, baseline: LoadFigures[] | undefined): number | undefined {
  if (!subject || !baseline || subject.length !== baseline.length || subject.length < 2) return undefined;
  const ratios = subject.map((s, i) => s.rps / baseline[i].rps).sort((a, b) => a - b);
  const mid = (ratios.length - 1) / 2;
  return (ratios[Math.floor(mid)] + ratios[Math.ceil(mid)]) / 2;
}

/**
 * The HTTP table, a Portcullis row and a baseline row per scenario. The goal is judged
 * on the paired ratio when there are several rounds (pairedRatio), else on the one
 * round's ratio; the ratio of the median rounds is shown beside it.
 */
export function httpTable(rows: Comparison[]): string {
  const out = ['| scenario | server | req/s | p50 ms | p99 ms | non-2xx | server CPU µs/req | ratio (req/s) | goal |', '|---|---|---:|---:|---:|---:|---:|---:|---|'];
  for (const c of rows) {
    const ofMedians = c.subject.figures.rps / c.baseline.figures.rps;
    const paired = pairedRatio(c.subject.rounds, c.baseline.rounds);
    const ratio = paired ?? ofMedians;
    const shown = paired === undefined ? `${ofMedians.toFixed(2)}x` : `${paired.toFixed(2)}x paired (medians ${ofMedians.toFixed(2)}x)`;
    out.push(row(c.scenario, c.subject.name, c.subject.figures, `${shown}${cpuRatio(c.subject.figures, c.baseline.figures)}`, goals(c, ratio)));
    out.push(row(c.scenario, c.baseline.name, c.baseline.figures, '', 'baseline'));
    for (const r of c.references ?? []) {
      out.push(row(c.scenario, r.name, r.figures, `${(c.subject.figures.rps / r.figures.rps).toFixed(2)}x${cpuRatio(c.subject.figures, r.figures)}`, 'reference only'));
    }
  }
  return out.join('\n');
}

/** The verdicts on a comparison's goals, or `reference` when it has none. */
function goals(c: Comparison, ratio: number): string {
  const verdicts = [];
  if (c.goal !== undefined) verdicts.push(`>= ${c.goal}x: ${ratio >= c.goal ? 'met' : 'MISSED'}`);
  if (c.p99Below !== undefined) verdicts.push(`p99 < ${c.p99Below} ms: ${c.subject.figures.p99 < c.p99Below ? 'met' : 'MISSED'}`);
  return verdicts.length ? verdicts.join(', ') : 'reference';
}

/** The crypto ceiling and how much of an HTTP issuance's CPU the seal itself is. */
export function cryptoTable(c: CryptoFigures, issuance: { name: string; figures: LoadFigures }[]): string {
  const out = [
    `| no HTTP, in-process | 1 in flight /s | ${c.inFlight} in flight /s | CPU µs each | single-core ceiling /s |`, '|---|---:|---:|---:|---:|',
    opRow('sealToken (A256GCM with cached derived key, then ES256)', c.seal),
    opRow('openToken (ES256 verify, then decrypt)', c.open),
    '', '| HTTP issuance | req/s / concurrent seals/s | seal CPU / request CPU |', '|---|---:|---:|',
  ];
  for (const i of issuance) {
    const share = Number.isFinite(i.figures.cpuPerRequest) ? `${((100 * c.seal.cpuMicros) / i.figures.cpuPerRequest).toFixed(0)}%` : '?';
    out.push(`| ${i.name} | ${(i.figures.rps / c.seal.concurrentPerSec).toFixed(2)}x | ${share} |`);
  }
  return out.join('\n');
}

function opRow(name: string, f: CryptoFigures['seal']): string {
  return `| ${name} | ${num(f.sequentialPerSec)} | ${num(f.concurrentPerSec)} | ${num(f.cpuMicros)} | ${num(1e6 / f.cpuMicros)} |`;
}
