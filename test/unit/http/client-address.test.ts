import { clientAddress, trustedProxyList } from '../../../src/http/index.js';

describe('clientAddress', () => {
  const none = trustedProxyList([]);
  const proxies = trustedProxyList(['10.0.0.1', '10.2.0.0/16', 'fd00::/8']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', '1.2.3.4, 5.6.7.8', none)).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
  });

  it('reads X-Forwarded-For from the right through trusted hops', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // a client-supplied left part cannot choose the bucket: the first untrusted hop from the right wins
    expect(clientAddress('10.0.0.1', '6.6.6.6, 198.51.100.1, 10.2.3.4', proxies)).toBe('198.51.100.1');
    expect(clientAddress('fd00::5', '2001:db8::1', proxies)).toBe('2001:db8::1');
  });

  it('stops at a malformed hop and keeps the last address it trusted', () => {
    expect(clientAddress('10.0.0.1', 'not-an-ip', proxies)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '', proxies)).toBe('10.0.0.1');
  });
});
