/**
 * The SDK's JWKS cache: keys come only from the configured URL, an unknown kid
 * triggers at most one refetch per cooldown, and a published key is only usable
 * with its own algorithm.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { createJwksCache } from '@portcullis/sdk';

async function jwk(kid: string, alg = 'ES256') {
  const { publicKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
}

function server(keys: () => object[]) {
  const calls: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    calls.push(String(input));
    return new Response(JSON.stringify({ keys: keys() }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('createJwksCache', () => {
  it('finds a published key, and only under its algorithm', async () => {
    const a = await jwk('a');
    const s = server(() => [a]);
    const cache = createJwksCache({ jwksUri: 'https://issuer.test/jwks', fetch: s.fetchFn, now: () => 1000 });
    expect(await cache.key('a', 'ES256')).toBeDefined();
    expect(await cache.key('a', 'PS256')).toBeUndefined();
    expect(s.calls).toEqual(['https://issuer.test/jwks']);
  });

  it('refetches on an unknown kid at most once per cooldown', async () => {
    let now = 1000;
    const published = [await jwk('a')];
    const s = server(() => published);
    const cache = createJwksCache({ jwksUri: 'https://issuer.test/jwks', fetch: s.fetchFn, cooldown: 30, now: () => now });
    await cache.key('a', 'ES256');
    for (let i = 0; i < 50; i += 1) expect(await cache.key(`made-up-${i}`, 'ES256')).toBeUndefined();
    expect(s.calls).toHaveLength(1);
    published.push(await jwk('b'));
    now += 31;
    expect(await cache.key('b', 'ES256')).toBeDefined();
    expect(s.calls).toHaveLength(2);
  });

  it('ignores private and encryption keys in the set', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'p', alg: 'ES256' };
    const enc = { ...(await jwk('e')), use: 'enc' };
    const s = server(() => [priv, enc]);
    const cache = createJwksCache({ jwksUri: 'https://issuer.test/jwks', fetch: s.fetchFn });
    expect(await cache.key('p', 'ES256')).toBeUndefined();
    expect(await cache.key('e', 'ES256')).toBeUndefined();
  });

  it('refuses a relative JWKS URL at construction', () => {
    expect(() => createJwksCache({ jwksUri: '/jwks' })).toThrow(TypeError);
  });
});
