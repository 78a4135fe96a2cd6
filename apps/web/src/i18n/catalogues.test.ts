import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enUS } from './en-US.ts';
import { CATALOGUES, LANGUAGES, leafPaths, pickLanguage, translate } from './translate.ts';
import { zhCN } from './zh-CN.ts';

function valueAt(catalogue: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('message catalogues', () => {
  const reference = leafPaths(enUS).sort();

  it('has a reasonable number of messages (the walk itself works)', () => {
    expect(reference.length).toBeGreaterThan(200);
    expect(reference).toContain('tokens.reveal.warning');
  });

  for (const language of LANGUAGES) {
    describe(language, () => {
      const catalogue = CATALOGUES[language];

      it('has exactly the keys of en-US', () => {
        expect(leafPaths(catalogue).sort()).toEqual(reference);
      });

      it('has no missing or empty message', () => {
        const empty = reference.filter((path) => {
          const value = valueAt(catalogue, path);
          return typeof value !== 'string' || value.trim() === '';
        });
        expect(empty).toEqual([]);
      });

      it('uses the same placeholders as en-US in every message', () => {
        const mismatched = reference.filter((path) => {
          const value = valueAt(catalogue, path);
          return (
            typeof value !== 'string' ||
            placeholders(value).join() !== placeholders(valueAt(enUS, path) as string).join()
          );
        });
        expect(mismatched).toEqual([]);
      });
    });
  }

  it('writes zh-CN punctuation the Chinese way (issue 14 item 16)', () => {
    const messages = leafPaths(zhCN).map((path) => [path, valueAt(zhCN, path) as string] as const);
    // Quoted names (GitHub's “Metadata: read”) and placeholders are left as they are.
    const prose = (text: string) => text.replace(/“[^”]*”/g, '“”').replace(/\{\w+\}/g, 'X');
    const offending = messages
      .filter(([, text]) => {
        const body = prose(text);
        return (
          /[\u4e00-\u9fff]\s*:/.test(body) || // an ASCII colon after Chinese text
          /：\s/.test(body) || // a stray space after a full-width colon
          /上的.*上的/.test(body) || // the doubled 上的
          body.includes('检查于') // the glued "checked at"
        );
      })
      .map(([path, text]) => `${path}: ${text}`);
    expect(offending).toEqual([]);
  });

  // tsc already refuses a catalogue without these labels, against the generated client; this reads
  // openapi.json itself, so a client left ungenerated after the server gained a code fails too.
  describe('labels every closed list the API publishes', () => {
    const schemas = JSON.parse(readFileSync(new URL('../../../../openapi.json', import.meta.url), 'utf8'))
      .components.schemas as Record<string, { enum?: string[] }>;
    const published = (name: string) => {
      const values = schemas[name]?.enum ?? [];
      expect(values.length, name).toBeGreaterThan(0);
      return values;
    };

    for (const language of LANGUAGES) {
      it(`${language}: a message for every error code (ProblemCode)`, () => {
        const unlabelled = published('ProblemCode').filter((code) => {
          const value = valueAt(CATALOGUES[language], `errors.codes.${code}`);
          return typeof value !== 'string' || value.trim() === '';
        });
        expect(unlabelled).toEqual([]);
      });

      it(`${language}: a label for every audit action (AuditAction)`, () => {
        const unlabelled = published('AuditAction').filter((action) => {
          const value = valueAt(CATALOGUES[language], `securityLog.actions.${action.replace(/\./g, '_')}`);
          return typeof value !== 'string' || value.trim() === '';
        });
        expect(unlabelled).toEqual([]);
      });
    }
  });

  it('is really translated: the token screen differs from English in zh-CN', () => {
    expect(zhCN.tokens.title).not.toBe(enUS.tokens.title);
    expect(zhCN.tokens.reveal.warning).not.toBe(enUS.tokens.reveal.warning);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate(enUS, 'tokens.revoke.title', { name: 'CI' })).toBe('Revoke “CI”?');
    expect(translate(enUS, 'tokens.revoke.title')).toBe('Revoke “{name}”?');
  });

  it('shows the key itself rather than nothing when a message is missing', () => {
    // @ts-expect-error: a key that does not exist, as a typo at run time would be
    expect(translate(enUS, 'tokens.nope')).toBe('tokens.nope');
  });

  it('picks the language from the browser preferences', () => {
    expect(pickLanguage(['zh-TW', 'en-US'])).toBe('zh-CN');
    expect(pickLanguage(['zh'])).toBe('zh-CN');
    expect(pickLanguage(['en-GB'])).toBe('en-US');
    expect(pickLanguage(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(pickLanguage(['fr-FR'])).toBe('en-US');
    expect(pickLanguage([])).toBe('en-US');
  });
});
