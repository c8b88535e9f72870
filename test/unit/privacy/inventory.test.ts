/**
 * The data inventory is the one record of personal data: docs/privacy.md carries exactly
 * its table; every table of the Prisma schema is in it or in the list of tables without
 * personal data (a new table must be placed); its columns exist; the settings it and the
 * docs' retention table name exist with the defaults shown; and where the fingerprint
 * disclosure and the /privacy page say the same things (what is kept, how long, where
 * to export and erase) they agree with it, under the default configuration and another.
 */
import { readFileSync } from 'node:fs';
import { loadConfig, settings } from '../../../src/config/index.js';
import { activeComponents, disclosure, privacyPage } from '../../../src/fingerprint/index.js';
import { INVENTORY, NO_PERSONAL_DATA, inventoryForPeople, inventoryTable, inWords, retentionFor } from '../../../src/privacy/index.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const docs = read('docs/privacy.md');
const schema = read('prisma/schema.prisma');
const ISSUER = 'https://issuer.example';

/** model name -> its field names, from prisma/schema.prisma */
function models(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    out.set(m[1], m[2].split('\n').map((l) => /^\s+(\w+)\s/.exec(l)?.[1]).filter((f): f is string => Boolean(f)));
  }
  return out;
}

const defaultOf = (env: string) => settings.find((s) => s.env === env && 'default' in s) as { default: string } | undefined;

describe('the data inventory', () => {
  it('is what docs/privacy.md carries (regenerate with: npm run admin -- privacy inventory)', () => {
    const start = '<!-- inventory:start -->';
    const end = '<!-- inventory:end -->';
    const table = docs.slice(docs.indexOf(start) + start.length, docs.indexOf(end)).trim().split('\n');
    expect(docs.indexOf(start)).toBeGreaterThan(-1);
    expect(table).toEqual(inventoryTable());
  });

  it('places every table of the schema, once, and names only columns it has', () => {
    const all = models();
    const listed = [...INVENTORY.map((e) => e.table), ...Object.keys(NO_PERSONAL_DATA)];
    expect([...listed].sort()).toEqual([...all.keys()].sort());
    expect(new Set(listed).size).toBe(listed.length);
    for (const e of INVENTORY) {
      for (const column of e.columns) expect([e.table, all.get(e.table)?.includes(column.split(' ')[0])]).toEqual([e.table, true]);
    }
    for (const table of Object.keys(NO_PERSONAL_DATA)) expect(docs).toContain(`\`${table}\``);
  });

  it('names settings that exist, and the docs\' retention table shows their defaults', () => {
    for (const e of INVENTORY) if (e.setting) expect([e.table, settings.some((s) => s.env === e.setting)]).toEqual([e.table, true]);
    const retention = docs.slice(docs.indexOf('## Retention'), docs.indexOf('## Logs'));
    const named = [...retention.matchAll(/`([A-Z_]+)` \(([^)]+)\)/g)];
    expect(named.length).toBeGreaterThanOrEqual(8);
    for (const [, env, shown] of named) expect([env, defaultOf(env)?.default]).toEqual([env, shown]);
    for (const e of INVENTORY) if (e.setting && e.seconds) expect(retention).toContain(`\`${e.setting}\``);
  });
});

describe.each([
  ['the defaults', {}],
  ['other settings', { FINGERPRINT_RETENTION: '10d', RISK_EVENT_RETENTION: '45d', USER_INACTIVE_RETENTION: '400d', SESSION_TTL: '2d' }],
])('the disclosure and the /privacy page agree with it, under %s', (_name, env: Record<string, string>) => {
  const config = loadConfig({ ISSUER, ...env });
  const active = activeComponents(config.fingerprint.components, config.fingerprint.highEntropy);
  const json = disclosure(ISSUER, active, config.fingerprint.retention);
  const page = privacyPage(ISSUER, active, config.fingerprint.retention, inventoryForPeople(config));
  const entry = (table: string) => INVENTORY.find((e) => e.table === table)!;

  it('keeps device data as long as the inventory says, in the same form, with the same rights', () => {
    for (const table of ['FingerprintProfile', 'FingerprintChange']) expect(json.retention_seconds).toBe(entry(table).seconds!(config));
    for (const inClear of ['browser family', 'major version', 'platform']) {
      expect(String(json.storage)).toContain(inClear);
      expect(entry('FingerprintProfile').what).toContain(inClear);
    }
    expect(String(json.storage)).toContain('keyed hash');
    expect(entry('FingerprintProfile').what).toContain('keyed hashes');
    expect(json.user_data_endpoint).toBe(`${ISSUER}/me/data`);
    expect(entry('FingerprintProfile').exported).toBe('`fingerprints`');
    expect(docs).toContain('`GET /me/data`');
    expect(docs).toContain('`DELETE /me/data`');
  });

  it('lists everything kept, with the configured durations', () => {
    const text = page.replace(/&#39;/g, "'");
    expect(text).toContain(`for ${Math.round(config.fingerprint.retention / 86_400)} day(s) after last use`);
    for (const e of INVENTORY) {
      expect(text).toContain(e.what);
      expect(text).toContain(retentionFor(e, config));
    }
    expect(text).toContain(`${inWords(config.risk.eventRetention)} from the event`);
    expect(text).toContain(`${inWords(config.sessionTtl)} from the sign-in`);
    if (config.privacy.inactiveUserRetention) expect(text).toContain(`no sign-in for ${inWords(config.privacy.inactiveUserRetention)}`);
  });
});
