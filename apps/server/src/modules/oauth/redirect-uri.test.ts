import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redirectUriMatches, withQuery } from './redirect-uri.ts';

const REGISTERED = ['http://127.0.0.1/callback', 'http://[::1]/callback'];

describe('redirect URI matching (RFC 8252 §7.3)', () => {
  it.each([
    'http://127.0.0.1/callback',
    'http://127.0.0.1:1/callback',
    'http://127.0.0.1:53682/callback',
    'http://127.0.0.1:65535/callback',
    'http://[::1]:8080/callback',
    'http://[::1]/callback',
  ])('accepts %s', (uri) => {
    expect(redirectUriMatches(REGISTERED, uri)).toBe(true);
  });

  it.each([
    ['another path', 'http://127.0.0.1:8080/other'],
    ['a longer path', 'http://127.0.0.1:8080/callback/x'],
    ['a trailing slash', 'http://127.0.0.1:8080/callback/'],
    ['a path in another case', 'http://127.0.0.1:8080/Callback'],
    ['a dot segment', 'http://127.0.0.1:8080/x/../callback'],
    ['an encoded path', 'http://127.0.0.1:8080/%63allback'],
    ['https', 'https://127.0.0.1:8080/callback'],
    ['another scheme', 'com.example.app://127.0.0.1/callback'],
    ['an upper-case scheme', 'HTTP://127.0.0.1:8080/callback'],
    ['an added query', 'http://127.0.0.1:8080/callback?next=https://evil.example'],
    ['an empty query', 'http://127.0.0.1:8080/callback?'],
    ['a fragment', 'http://127.0.0.1:8080/callback#x'],
    ['userinfo', 'http://user@127.0.0.1:8080/callback'],
    ['userinfo hiding another host', 'http://127.0.0.1:8080@evil.example/callback'],
    ['a look-alike host', 'http://127.0.0.1.evil.com/callback'],
    ['a look-alike host with a port', 'http://127.0.0.1.evil.com:8080/callback'],
    ['localhost (not registered)', 'http://localhost:8080/callback'],
    ['a short form of 127.0.0.1', 'http://127.1:8080/callback'],
    ['another loopback address', 'http://127.0.0.2:8080/callback'],
    ['port 0', 'http://127.0.0.1:0/callback'],
    ['a port over 65535', 'http://127.0.0.1:65536/callback'],
    ['a port with a leading zero', 'http://127.0.0.1:08080/callback'],
    ['an empty port', 'http://127.0.0.1:/callback'],
    ['an unbracketed IPv6 address', 'http://::1:8080/callback'],
    ['no path', 'http://127.0.0.1:8080'],
    ['whitespace', 'http://127.0.0.1:8080/callback '],
    ['a newline', 'http://127.0.0.1:8080/callback\n'],
    ['the empty string', ''],
    ['something very long', `http://127.0.0.1:8080/callback${'a'.repeat(3000)}`],
  ])('rejects %s', (_label, uri) => {
    expect(redirectUriMatches(REGISTERED, uri)).toBe(false);
  });

  it('accepts localhost only when it is registered', () => {
    expect(redirectUriMatches(['http://localhost/cb'], 'http://localhost:4000/cb')).toBe(true);
  });

  it('matches a non-loopback URI exactly, port included', () => {
    const registered = ['https://app.example/cb'];
    expect(redirectUriMatches(registered, 'https://app.example/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'https://app.example:8443/cb')).toBe(false);
  });

  it('a registered loopback URI with a port accepts only that port', () => {
    const registered = ['http://127.0.0.1:9000/cb'];
    expect(redirectUriMatches(registered, 'http://127.0.0.1:9000/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'http://127.0.0.1:9001/cb')).toBe(false);
  });

  it('never accepts a URI whose host or path differs from a registered one (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (tail) => {
        const uri = `http://127.0.0.1${tail}`;
        const accepted = redirectUriMatches(REGISTERED, uri);
        expect(accepted).toBe(/^(:[1-9][0-9]{0,4})?\/callback$/.test(tail) && portOk(tail));
      }),
    );
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (uri) => {
        expect(redirectUriMatches(REGISTERED, uri)).toBe(false);
      }),
    );
  });
});

function portOk(tail: string) {
  const port = /^:(\d+)/.exec(tail)?.[1];
  return port === undefined || Number(port) <= 65_535;
}

describe('withQuery', () => {
  it('appends encoded parameters and leaves out missing ones', () => {
    expect(withQuery('http://127.0.0.1:1/cb', { code: 'a b', state: null, iss: 'http://x' })).toBe(
      'http://127.0.0.1:1/cb?code=a+b&iss=http%3A%2F%2Fx',
    );
    expect(withQuery('https://app.example/cb?x=1', { error: 'access_denied' })).toBe(
      'https://app.example/cb?x=1&error=access_denied',
    );
  });
});
