// Checks what `npm test` needs before jest starts, and says clearly what is missing:
// a supported Node.js LTS (22 or 24),
// PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (cluster-mode tests), openssl
// (mTLS tests), nginx at /usr/sbin/nginx (gateway test) and Chromium at /usr/bin/chromium (browser sign-in tests).
// Override with TEST_DATABASE_URL / TEST_REDIS_URL.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const needs = [
  { name: 'PostgreSQL', url: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test', start: 'pg_ctlcluster --skip-systemctl-redirect 15 main start' },
  { name: 'Redis', url: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no' },
];

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => { socket.end(); resolve(true); });
    socket.setTimeout(2000, () => { socket.destroy(); resolve(false); });
    socket.on('error', () => resolve(false));
  });
}

let missing = 0;
// The suite runs on a supported Node.js LTS line (src/config/runtime.ts says which).
const major = Number(process.versions.node.split('.')[0]);
if (![22, 24].includes(major) || !process.release.lts) {
  missing++;
  console.error(`npm test runs on Node.js ${process.version}; it needs an LTS release, 22 or 24. On Linux x64 and arm64 \`npm install\` gives npm scripts a Node 24 of their own (node_modules/.bin/node); elsewhere install Node.js 24.`);
}
for (const need of needs) {
  if (!(await reachable(need.url))) {
    missing++;
    console.error(`npm test needs ${need.name} at ${need.url} (cluster-mode tests). Start it with: ${need.start}`);
  }
}
// The mTLS tests make a throw-away CA and certificates with the openssl CLI.
if (spawnSync('openssl', ['version']).status !== 0) {
  missing++;
  console.error('npm test needs the openssl command (mTLS tests generate certificates with it). Install it with: apt-get install -y openssl');
}
if (!existsSync('/usr/sbin/nginx')) {
  missing++;
  console.error('npm test needs nginx at /usr/sbin/nginx (the API gateway test). Install it with: apt-get install -y nginx');
}
if (!existsSync('/usr/bin/chromium')) {
  missing++;
  console.error('npm test needs Chromium at /usr/bin/chromium (browser sign-in tests). Install it with: apt-get install -y chromium');
}
process.exit(missing ? 1 : 0);
