/**
 * The shape of one admin command. Each area keeps its commands in its own file
 * (scripts/admin/<area>.ts exporting a Record<string, Command>); commands.ts joins them.
 */
import type { AdminContext } from './context.js';

export interface Command {
  /** false for commands that never open the database (e.g. `config table`) */
  needsDatabase?: boolean;
  run(ctx: AdminContext, args: string[]): Promise<void>;
}

/** Writes one line to stdout. */
export const out = (line: string): void => { process.stdout.write(line + '\n'); };
