/**
 * parseForm (src/http/form-body.ts) must give exactly what querystring.parse gives:
 * the gates and the fast path read the parsed form, oidc-provider parses the raw body
 * itself, and the two must never disagree about a parameter.
 */
import { parse } from 'node:querystring';
import { parseForm } from '../../../src/http/form-body.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['token', 'a', 'b', '=', '=', '&', '&', '.', 'x', '', '__proto__', 'constructor', 'hasOwnProperty', '%', '+', '%41', '%zz', 'é', ' '];

describe('parseForm', () => {
  it('equals querystring.parse on 50,000 generated bodies', () => {
    const next = random(20261202);
    const differing: string[] = [];
    for (let i = 0; i < 50_000; i += 1) {
      let body = '';
      const length = Math.floor(next() * 14);
      for (let j = 0; j < length; j += 1) body += PIECES[Math.floor(next() * PIECES.length)];
      // compared as JSON: querystring's arrays come from another realm than jest's (no deep-equal across realms)
      if (JSON.stringify(Object.entries(parseForm(body))) !== JSON.stringify(Object.entries(parse(body)))) differing.push(body);
    }
    expect(differing).toEqual([]);
  });

  it('keeps repeated names as arrays and empty values, without a prototype', () => {
    const form = parseForm('token=a.b.c&token=d&scope=&flag&=v');
    expect(form).toEqual(parse('token=a.b.c&token=d&scope=&flag&=v'));
    expect(form.token).toEqual(['a.b.c', 'd']);
    expect(Object.getPrototypeOf(form)).toBeNull();
  });

  it('stops where querystring stops: 1,000 pieces, empty ones counted', () => {
    for (const count of [999, 1000, 1001]) {
      for (const gap of ['&', '&&&', '&=&']) {
        const body = `${Array.from({ length: count }, (_, i) => `k${i}=v`).join(gap)}&last=1`;
        expect(parseForm(body)).toEqual(parse(body));
      }
    }
  });
});
