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
  subject: { name: string; figures: LoadFigures };
  baseline: { name: string; figures: LoadFigures };
  goal: number;
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
  return `| ${scenario} | ${name} | ${num(f.rps)} | ${ms(f.p50)} | ${ms(f.p99)} | ${f.non2xx} | ${ratio} | ${goal} |`;
}

/** The HTTP table, a Portcullis row and a baseline row per scenario. */
export function httpTable(rows: Comparison[]): string {
  const out = ['| scenario | server | req/s | p50 ms | p99 ms | non-2xx | ratio | goal |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const c of rows) {
    const ratio = c.subject.figures.rps / c.baseline.figures.rps;
    const verdict = ratio >= c.goal ? 'met' : 'MISSED';
    out.push(row(c.scenario, c.subject.name, c.subject.figures, `${ratio.toFixed(2)}x`, `>= ${c.goal}x: ${verdict}`));
    out.push(row(c.scenario, c.baseline.name, c.baseline.figures, '', 'baseline'));
    for (const r of c.references ?? []) {
      out.push(row(c.scenario, r.name, r.figures, `${(c.subject.figures.rps / r.figures.rps).toFixed(2)}x`, 'reference only'));
    }
  }
  return out.join('\n');
}

/** The crypto ceiling and how close HTTP issuance gets to it. */
export function cryptoTable(c: CryptoFigures, issuance: { name: string; rps: number }[]): string {
  const out = ['| single core, no HTTP | per second |', '|---|---:|', `| sealToken (ES256 + A256GCM, cached derived key) | ${num(c.sealsPerSec)} |`, `| openToken (verify + decrypt) | ${num(c.opensPerSec)} |`];
  for (const i of issuance) out.push(`| HTTP issuance / seal ceiling, ${i.name} | ${(i.rps / c.sealsPerSec).toFixed(2)}x |`);
  return out.join('\n');
}
