import { parseArgs } from 'node:util';
import { parseDuration } from '../../src/config/index.js';

/** A usage mistake: reported in one line with exit code 2. */
export class UsageError extends Error {}

type Spec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Strict option parsing; unknown options and missing values are usage errors. */
export function options<S extends Spec>(args: string[], spec: S, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: spec, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed as unknown as { values: Record<keyof S, string | boolean | string[] | undefined>; positionals: string[] };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

/** A required string option. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`--${name} is required`);
  return v.trim();
}

/** Space- or comma-separated list option (repeatable). */
export function list(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  return parts.flatMap((p: string) => p.split(/[\s,]+/)).filter(Boolean);
}

/** A duration option such as 15m. */
export function duration(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' ? parseDuration(value) : undefined;
  if (n === undefined) throw new UsageError(`invalid duration "${String(value)}" (examples: 900, 15m, 1h)`);
  return n;
}

/** Reads a secret from standard input (trailing newline removed). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--secret-stdin expects the secret on standard input (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
