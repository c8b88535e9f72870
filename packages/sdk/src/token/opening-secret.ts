/**
 * The string a resource server receives once (`resource add`): its audience's master
 * secret at a version. With it the resource server derives every later version
 * (see ratchetMaster) and so opens every token addressed to it.
 */
const PREFIX = 'pcm1';

/** Formats `pcm1.<version>.<base64url secret>`. */
export function formatOpeningSecret(version: number, secret: Uint8Array): string {
  return `${PREFIX}.${version}.${Buffer.from(secret).toString('base64url')}`;
}

/** An audience's master secret at a version, as carried by an opening secret. */
export interface OpeningSecret { version: number; secret: Uint8Array }

/** Parses an opening secret; throws TypeError when it is not one. */
export function parseOpeningSecret(text: string): OpeningSecret {
  const m = /^pcm1\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(text.trim());
  if (!m) throw new TypeError('not a Portcullis opening secret (pcm1.<version>.<secret>)');
  return { version: Number(m[1]), secret: new Uint8Array(Buffer.from(m[2], 'base64url')) };
}
