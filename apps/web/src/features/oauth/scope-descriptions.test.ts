import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES } from '../../i18n/translate.ts';

/**
 * The consent and device pages describe every scope they may be asked about: each scope the API
 * publishes (the token scopes, and those named by its security requirements, `account` among
 * them) has a description in every catalogue.
 */
function publishedScopes(): string[] {
  const document = JSON.parse(readFileSync(new URL('../../../../../openapi.json', import.meta.url), 'utf8'));
  const scopes = new Set<string>();
  for (const item of Object.values<Record<string, { security?: Array<Record<string, string[]>> }>>(
    document.paths,
  )) {
    for (const operation of Object.values(item)) {
      for (const requirement of operation.security ?? []) {
        for (const names of Object.values(requirement)) for (const name of names) scopes.add(name);
      }
    }
  }
  return [...scopes].sort();
}

describe('scope descriptions', () => {
  const scopes = publishedScopes();

  it('finds the scopes in the published API, account included', () => {
    expect(scopes).toContain('account');
    expect(scopes).toContain('agents:write');
  });

  for (const language of LANGUAGES) {
    it(`${language} describes every scope`, () => {
      const described = CATALOGUES[language].oauth.scopes as Record<string, string>;
      expect(scopes.filter((scope) => !described[scope])).toEqual([]);
    });
  }
});
