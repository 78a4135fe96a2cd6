import { describe, expect, it } from 'vitest';
import { bearerChallenge } from './bearer-challenge.ts';

describe('bearerChallenge', () => {
  it('writes the RFC 6750 challenges the API answers, byte for byte', () => {
    expect(bearerChallenge()).toBe('Bearer realm="tessera"');
    expect(bearerChallenge('invalid_token')).toBe('Bearer realm="tessera", error="invalid_token"');
    expect(bearerChallenge('invalid_token', { description: 'Sign in to the web UI' })).toBe(
      'Bearer realm="tessera", error="invalid_token", error_description="Sign in to the web UI"',
    );
    expect(bearerChallenge('insufficient_scope', { scope: 'agents:write' })).toBe(
      'Bearer realm="tessera", error="insufficient_scope", scope="agents:write"',
    );
  });
});
