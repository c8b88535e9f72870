/**
 * `help`, `--help`, `-h` and `<group> [command] --help`: one usage line per admin
 * command. Every command in commands.ts has its line here (a unit test holds them equal).
 */
import { out } from './command.js';

export const USAGE: Record<string, string> = {
  'client add': 'client add --id ID [--secret-stdin] [--grants G,..] [--scopes "S .."] [--audience URL].. [--redirect-uri URL].. [--post-logout-redirect-uri URL].. [--public] [--fingerprint required|optional|off] [--name TEXT] [--logo-uri URL] [--policy-uri URL] [--tos-uri URL] [--auth METHOD] [--tls-subject-dn DN | --tls-san-dns NAME] [--cert-file PEM].. [--bind dpop|mtls]..',
  'client list': 'client list [--json]',
  'client update': 'client update --id ID --fingerprint required|optional|off | client update (the options of client add: replaces the registration, keeps the secret unless --secret-stdin)',
  'client remove': 'client remove ID',
  'client rotate-secret': 'client rotate-secret ID   (a new generated secret, printed once; the old one stops working)',
  'client assign': 'client assign --client ID --role NAME',
  'client unassign': 'client unassign --client ID --role NAME',
  'resource add': 'resource add --audience URL [--scopes "S .."] [--ttl DURATION] [--introspector CLIENT_ID] [--name TEXT] [--scope-description SCOPE=TEXT]..   (prints the opening secret once)',
  'resource update': 'resource update --audience URL --scopes "S .." [--ttl DURATION] [--introspector CLIENT_ID] [--name TEXT] [--scope-description SCOPE=TEXT]..   (keeps its keys)',
  'resource rekey': 'resource rekey URL   (a new master secret; prints the new opening secret once; earlier tokens stop opening)',
  'resource list': 'resource list [--json]',
  'resource remove': 'resource remove URL',
  'subject revoke': 'subject revoke SUB   (bumps the subject key generation: every token of SUB stops opening)',
  'keys rotate': 'keys rotate [--if-due] [--masters]',
  'keys list': 'keys list',
  'db migrate': 'db migrate',
  'config table': 'config table   (the configuration table of README.md)',
  'config lockout-table': 'config lockout-table   (the lockout policy table of README.md, with the defaults)',
  'privacy inventory': 'privacy inventory   (the data inventory table of docs/privacy.md)',
  'role add': 'role add --name NAME --permissions "P .."',
  'role grant': 'role grant --role NAME --permissions "P .."',
  'role revoke': 'role revoke --role NAME --permissions "P .."',
  'role list': 'role list [--json]',
  'role remove': 'role remove NAME',
  'receiver add': 'receiver add --client ID --audience URL [--delivery push|poll] [--endpoint URL] [--events TYPE].. [--subject-format FORMAT]',
  'receiver list': 'receiver list [--json]',
  'receiver remove': 'receiver remove ID',
  'user add': 'user add --username NAME --password-stdin [--permissions "P .."]',
  'user list': 'user list [--json]',
  'user disable': 'user disable NAME',
  'user enable': 'user enable NAME',
  'user delete': 'user delete NAME',
  'user revoke': 'user revoke NAME   (ends every token, grant and session of NAME now)',
  'user totp': 'user totp enrol NAME   (prints the otpauth:// URI once)',
  'user export': 'user export NAME   (everything held about NAME, as JSON on stdout)',
  'user erase': 'user erase NAME   (removes NAME and everything held about them)',
  'fingerprint key': 'fingerprint key   (prints the key resource servers need for the SDK\'s local fingerprint digest check)',
  'user unlock': 'user unlock NAME   (ends a risk lockout; recorded as an override)',
  'client unlock': 'client unlock ID   (ends a risk lockout of the client; recorded as an override)',
  'events list': 'events list [--subject NAME | --key KEY] [--since DURATION] [--kind signal|decision|override] [--name NAME] [--limit N] [--json]   (the risk event log; people appear by subject key, --subject NAME computes it and is recorded in the privacy audit)',
  'events stats': 'events stats [--since DURATION] [--json]   (signals, decisions and the override rate)',
  'audit list': 'audit list [--target ID] [--operation OP] [--actor WHO] [--since ISO-TIME] [--limit N] [--cursor ID] [--json]   (the admin audit trail, newest first)',
  'admin bootstrap': 'admin bootstrap [--id ID] [--bearer]   (registers the admin API audience and an admin client; prints its secret once)',
  'user assign': 'user assign --user NAME --role NAME',
  'user unassign': 'user unassign --user NAME --role NAME',
};

const HELP = new Set(['help', '--help', '-h']);

/** True when argv asks for help anywhere (`help`, `--help`, `-h`). */
export function wantsHelp(argv: string[]): boolean {
  return argv.some((a) => HELP.has(a));
}

/** Prints the usage lines that match the words before the help flag (all of them for none). */
export function printHelp(argv: string[]): void {
  const words = argv.filter((a) => !HELP.has(a) && !a.startsWith('-')).slice(0, 2).join(' ');
  const lines = Object.entries(USAGE).filter(([key]) => !words || key === words || key.startsWith(words + ' ')).map(([, line]) => line);
  out('usage: npm run admin -- <group> <command> [options]');
  for (const line of lines.length ? lines : Object.values(USAGE)) out('  ' + line);
}
