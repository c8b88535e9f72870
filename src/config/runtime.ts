/**
 * The Node.js runtime Portcullis runs on: an LTS release line that still gets security
 * fixes and that oidc-provider supports (22 "Jod" or 24 "Krypton"). Anything older is
 * past its end of life; odd-numbered lines never become LTS.
 */
import { ConfigError } from './errors.js';

/** Release lines the project is built and tested on. */
export const SUPPORTED_NODE_LINES = [22, 24] as const;

interface Runtime { version: string; release: { lts?: string | undefined } }

/** Throws ConfigError naming the runtime when it is not a supported LTS line. */
export function checkRuntime(runtime: Runtime = process): void {
  const major = Number(/^v(\d+)\./.exec(runtime.version)?.[1]);
  if ((SUPPORTED_NODE_LINES as readonly number[]).includes(major) && runtime.release.lts) return;
  throw new ConfigError('runtime', `Node.js ${runtime.version} is not supported: run Portcullis on a Node.js LTS release, ${SUPPORTED_NODE_LINES.join(' or ')} (on Linux x64 and arm64, \`npm install\` gives npm scripts a Node 24 of their own)`);
}
