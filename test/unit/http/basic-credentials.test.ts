/**
 * basicCredentials (src/http/basic-credentials.ts): what the gates key on and what the
 * introspection fast path authenticates with. `canonical` must be true only for the
 * headers oidc-provider accepts, or the fast path would answer where it refuses.
 */
import { basicCredentials } from '../../../src/http/basic-credentials.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ask = (authorization: string) => basicCredentials({ get: (name: string) => (name === 'authorization' ? authorization : ''), state: {} });

describe('basicCredentials', () => {
  it('decodes the form-urlencoded id and secret of a canonical header, whatever the scheme case', () => {
    expect(ask(`Basic ${b64('svc:s3cret')}`)).toEqual({ id: 'svc', rawId: 'svc', secret: 's3cret', canonical: true });
    expect(ask(`basic ${b64('my%20app:a+b%2B')}`)).toEqual({ id: 'my app', rawId: 'my%20app', secret: 'a b+', canonical: true });
  });

  it('still names the claimed client, not canonical, for headers oidc-provider refuses', () => {
    const cases = [
      `Basic  ${b64('svc:x')}`, // two spaces
      `Basic ${b64('svc:x')}A`, // a lone trailing character
      `Basic ${b64('svc:x').replace(/=+$/, '')}===`, // padding that does not complete the quantum
      `Basic ${b64('svc:é')}`, // not printable ASCII
      `Basic ${b64('svc:')}`, // empty secret
    ];
    for (const header of cases) expect([header, ask(header)?.id, ask(header)?.canonical]).toEqual([header, 'svc', false]);
  });

  it('keeps the id as sent when its encoding is malformed, and nothing without a usable header', () => {
    expect(ask(`Basic ${b64('%zz:x')}`)).toMatchObject({ id: undefined, rawId: '%zz', canonical: false });
    for (const header of ['', 'Bearer abc', `Basic ${b64('no-colon')}`, `Basic ${b64(':secret')}`, 'Basic !!!']) expect(ask(header)).toBeUndefined();
  });

  it('reads the header once per request', () => {
    let reads = 0;
    const ctx = { get: () => { reads += 1; return `Basic ${b64('svc:x')}`; }, state: {} };
    expect(basicCredentials(ctx)?.id).toBe('svc');
    expect(basicCredentials(ctx)?.id).toBe('svc');
    const none = { get: () => { reads += 1; return ''; }, state: {} };
    expect([basicCredentials(none), basicCredentials(none)]).toEqual([undefined, undefined]);
    expect(reads).toBe(2);
  });
});
