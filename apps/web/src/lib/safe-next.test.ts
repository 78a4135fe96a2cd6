import { describe, expect, it } from 'vitest';
import { isHttpUrl, safeNextPath } from './safe-next.ts';

const origin = 'https://tessera.example';

describe('safeNextPath', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNextPath('/settings/tokens', origin)).toBe('/settings/tokens');
    expect(safeNextPath('/device?user_code=ABCD-EFGH', origin)).toBe('/device?user_code=ABCD-EFGH');
    expect(safeNextPath('/api/oauth/authorize?client_id=cli&state=x#y', origin)).toBe(
      '/api/oauth/authorize?client_id=cli&state=x#y',
    );
  });

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\tevil',
    '/%0a',
    'settings/tokens',
    '',
  ])('refuses %j', (next) => {
    const result = safeNextPath(next, origin, '/home');
    // Percent-encoded text is harmless once it stays a path of this site.
    if (next === '/%0a') expect(result).toBe('/%0a');
    else expect(result).toBe('/home');
  });

  it('never sends a signed-in person back to the sign-in page', () => {
    expect(safeNextPath('/login?next=/x', origin)).toBe('/');
    expect(safeNextPath('/signup', origin)).toBe('/');
  });

  it('treats a missing value as "go to the default"', () => {
    expect(safeNextPath(null, origin)).toBe('/');
    expect(safeNextPath(undefined, origin, '/repos')).toBe('/repos');
  });
});

describe('isHttpUrl', () => {
  it('allows only http and https', () => {
    expect(isHttpUrl('http://127.0.0.1:53682/callback?code=x')).toBe(true);
    expect(isHttpUrl('https://app.example/cb')).toBe(true);
    expect(isHttpUrl('javascript:alert(1)')).toBe(false);
    expect(isHttpUrl('data:text/html,hi')).toBe(false);
    expect(isHttpUrl('/relative')).toBe(false);
  });
});
