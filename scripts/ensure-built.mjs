// Builds (prisma generate + tsc) when dist/ is missing or older than the sources, so
// `npm start` and `npm run admin` work on a fresh clone and after a pull.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((n) => n !== 'prisma-client').map((n) => newest(join(path, n))));
}

const marker = 'dist/.built';
const sources = Math.max(newest('src'), newest('scripts'), newest('packages/sdk/src'), newest('prisma/schema.prisma'), newest('package-lock.json'));
if (!existsSync(marker) || statSync(marker).mtimeMs < sources) {
  try {
    execSync('npm run build --silent', { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    process.stderr.write(`build failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    process.exit(1);
  }
}
