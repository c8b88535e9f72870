/**
 * Admin CLI: `npm run admin -- <group> <command> [options]`. Works while the issuer
 * runs, in both modes (embedded: through the running issuer's database socket).
 * Bad arguments print one line and exit 2; failures print one line and exit 1.
 */
import { AdminRefusal } from '../src/admin/index.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { commands, UsageError, type AdminContext } from './admin/commands.js';
import { openAdminContext } from './admin/context.js';
import { recordCliChange } from './admin/recorded.js';
import { printHelp, wantsHelp } from './admin/help.js';

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) { printHelp(argv); return 0; }
  const [group, command, ...rest] = argv;
  const key = `${group ?? ''} ${command ?? ''}`.trim();
  const entry = commands[key];
  if (!entry) throw new UsageError(`unknown command "${key}" (npm run admin -- help lists them). Commands: ${Object.keys(commands).join(', ')}`);
  const config = loadConfig();
  let ctx: AdminContext | undefined;
  try {
    ctx = entry.needsDatabase === false ? { config } as AdminContext : await openAdminContext(config);
    await entry.run(ctx, rest);
    if (entry.needsDatabase !== false) await recordCliChange(ctx, key, rest);
  } finally {
    await ctx?.close?.();
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  const usage = err instanceof UsageError || err instanceof ConfigError || err instanceof TypeError || (err instanceof AdminRefusal && err.code === 'invalid_request');
  process.stderr.write(`portcullis admin: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(usage ? 2 : 1);
});
