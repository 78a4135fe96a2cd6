import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderName } from '../../schema.ts';
import { previewProviderToken, recogniseToken, tokenProblemFor } from './token-formats.ts';

const PROVIDERS: ProviderName[] = ['github', 'gitlab', 'bitbucket'];
const body = fc.stringMatching(/^[A-Za-z0-9_]{20,60}$/);

const SAMPLES: Array<[ProviderName, string]> = [
  ['github', 'ghp_'],
  ['github', 'github_pat_'],
  ['github', 'gho_'],
  ['gitlab', 'glpat-'],
  ['bitbucket', 'ATATT'],
  ['bitbucket', 'ATBB'],
];

describe('provider token formats', () => {
  it.each(SAMPLES)('accepts a %s token starting %s for its own provider only', (provider, prefix) => {
    fc.assert(
      fc.property(body, (rest) => {
        const token = prefix + rest;
        expect(tokenProblemFor(provider, token)).toBeNull();
        for (const other of PROVIDERS.filter((p) => p !== provider)) {
          const problem = tokenProblemFor(other, token);
          expect(problem).toContain(`starts with "${prefix}"`);
          // The message names the prefix, never the token itself.
          expect(problem).not.toContain(rest);
        }
      }),
    );
  });

  it('lets unknown formats through (self-hosted GitLab may use a custom prefix)', () => {
    for (const provider of PROVIDERS) expect(tokenProblemFor(provider, 'abcdef0123456789abcdef')).toBeNull();
  });

  it('refuses Tessera tokens and provider tokens that cannot act as the user', () => {
    expect(tokenProblemFor('github', `tes_pat_${'a'.repeat(46)}`)).toMatch(/Tessera/);
    expect(tokenProblemFor('github', `ghr_${'a'.repeat(36)}`)).toMatch(/refresh token/);
    expect(tokenProblemFor('gitlab', `gldt-${'a'.repeat(20)}`)).toMatch(/deploy token/);
  });

  it('recognises the longest matching prefix and never throws on arbitrary input', () => {
    expect(recogniseToken('github_pat_11AAAA')?.label).toMatch(/fine-grained/);
    fc.assert(
      fc.property(fc.string(), (input) => {
        recogniseToken(input);
        for (const provider of PROVIDERS) tokenProblemFor(provider, input);
      }),
    );
  });

  it('previews the first and last four characters, and less of a short token', () => {
    expect(previewProviderToken('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('ghp_…6789');
    expect(previewProviderToken('0123456789abcdef')).toBe('…ef');
    expect(previewProviderToken('short123')).toBe('…');
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 300 }), (token) => {
        const shown = previewProviderToken(token).replace('…', '').length;
        expect(shown).toBeLessThanOrEqual(Math.floor(token.length / 3));
      }),
    );
  });
});
