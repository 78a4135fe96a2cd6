import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGitHubExpiration } from './github.client.ts';
import { nextLinkOf, ProviderError, sameOriginLink } from './provider-http.ts';

describe('Link header parsing', () => {
  it('finds rel="next" among other relations, in any order and quoting', () => {
    const header =
      '<https://api.github.com/user/repos?page=1>; rel="prev", <https://api.github.com/user/repos?page=3>; rel="next", <https://api.github.com/user/repos?page=5>; rel="last"';
    expect(nextLinkOf(header)).toBe('https://api.github.com/user/repos?page=3');
    expect(nextLinkOf('<https://x.test/a?b=1,2>; rel=next')).toBe('https://x.test/a?b=1,2');
    expect(nextLinkOf('<https://x.test/p2>; title="x"; rel="next prefetch"')).toBe('https://x.test/p2');
    expect(nextLinkOf('<https://x.test/last>; rel="last"')).toBeNull();
    expect(nextLinkOf('<https://x.test/nextish>; rel="nextish"')).toBeNull();
    expect(nextLinkOf(null)).toBeNull();
  });

  it('never throws on arbitrary headers', () => {
    fc.assert(fc.property(fc.string(), (header) => void nextLinkOf(header)));
  });
});

describe('pagination links', () => {
  it('follows links on the provider origin and refuses any other host', () => {
    expect(sameOriginLink('/user/repos?page=2', 'https://api.github.com', 'GitHub')).toBe(
      'https://api.github.com/user/repos?page=2',
    );
    for (const evil of [
      'https://evil.example/user/repos?page=2',
      'http://api.github.com/user/repos',
      'https://api.github.com:8443/x',
      '//evil.example/x',
    ]) {
      expect(() => sameOriginLink(evil, 'https://api.github.com', 'GitHub')).toThrow(ProviderError);
    }
  });
});

describe('GitHub token expiration header', () => {
  it('reads UTC and numeric offsets, and ignores anything else', () => {
    expect(parseGitHubExpiration('2026-05-04 13:27:04 UTC')?.toISOString()).toBe('2026-05-04T13:27:04.000Z');
    expect(parseGitHubExpiration('2026-05-04 13:27:04 -0700')?.toISOString()).toBe(
      '2026-05-04T20:27:04.000Z',
    );
    expect(parseGitHubExpiration('soon')).toBeNull();
    expect(parseGitHubExpiration(null)).toBeNull();
  });
});
