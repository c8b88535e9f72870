/**
 * oidc-provider lives in one folder: only src/oidc imports it (so every seam Portcullis
 * uses is in one place, listed in docs/architecture.md). The benchmark's bare provider
 * is the one exception: it is oidc-provider on its own, the baseline Portcullis is
 * measured against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BASELINE = 'scripts/bench/bare-provider.ts';
const IMPORTS_OIDC_PROVIDER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]oidc-provider(?:\/[^'"]*)?['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'prisma-client' ? [] : sources(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

describe('the oidc-provider boundary', () => {
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'scripts'))];

  it('finds the sources it checks', () => {
    expect(files).toEqual(expect.arrayContaining(['src/oidc/provider.ts', 'src/http/app.ts', BASELINE]));
  });

  it('has no import of oidc-provider outside src/oidc', () => {
    const outside = files.filter((f) => !f.startsWith('src/oidc/') && f !== BASELINE && IMPORTS_OIDC_PROVIDER.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('recognises every form of import it forbids', () => {
    for (const line of ["import Provider from 'oidc-provider';", 'import type { KoaContextWithOIDC } from "oidc-provider";', "const m = await import('oidc-provider');", "export { errors } from 'oidc-provider';", "import x from 'oidc-provider/lib/helpers/errors.js';"]) {
      expect([line, IMPORTS_OIDC_PROVIDER.test(line)]).toEqual([line, true]);
    }
    expect(IMPORTS_OIDC_PROVIDER.test("// hands the request to oidc-provider's router")).toBe(false);
  });
});
