import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsHtml } from './accepts-html.ts';

describe('acceptsHtml', () => {
  it('accepts what browsers send for a navigation', () => {
    expect(
      acceptsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'),
    ).toBe(true);
    expect(acceptsHtml('application/xhtml+xml')).toBe(true);
    expect(acceptsHtml('TEXT/HTML; charset=utf-8')).toBe(true);
  });

  it('refuses what API clients, curl and probes send', () => {
    expect(acceptsHtml(undefined)).toBe(false);
    expect(acceptsHtml('')).toBe(false);
    expect(acceptsHtml('*/*')).toBe(false);
    expect(acceptsHtml('application/json')).toBe(false);
    expect(acceptsHtml('application/json, text/plain, */*')).toBe(false);
    expect(acceptsHtml('text/*')).toBe(false);
  });

  it('honours q=0 as "not acceptable"', () => {
    expect(acceptsHtml('text/html;q=0, application/json')).toBe(false);
    expect(acceptsHtml('text/html;q=0.1')).toBe(true);
  });

  it('never throws, whatever the header', () => {
    fc.assert(fc.property(fc.string(), (header) => typeof acceptsHtml(header) === 'boolean'));
  });
});
