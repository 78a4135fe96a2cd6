import { describe, expect, it } from 'vitest';
import { CODE_VERIFIER_PATTERN, s256Challenge, verifyCodeVerifier } from './pkce.ts';

// RFC 7636 Appendix B.
const APPENDIX_B_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const APPENDIX_B_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE S256', () => {
  it('reproduces the RFC 7636 Appendix B vector', () => {
    expect(s256Challenge(APPENDIX_B_VERIFIER)).toBe(APPENDIX_B_CHALLENGE);
    expect(verifyCodeVerifier(APPENDIX_B_CHALLENGE, APPENDIX_B_VERIFIER)).toBe(true);
  });

  it('refuses a verifier that differs in one character', () => {
    const wrong = `${APPENDIX_B_VERIFIER.slice(0, -1)}Y`;
    expect(verifyCodeVerifier(APPENDIX_B_CHALLENGE, wrong)).toBe(false);
  });

  it('refuses the challenge itself as a verifier (the plain method)', () => {
    expect(verifyCodeVerifier(APPENDIX_B_CHALLENGE, APPENDIX_B_CHALLENGE)).toBe(false);
  });

  it('refuses a verifier when no challenge was stored (downgrade) and a missing verifier', () => {
    expect(verifyCodeVerifier(null, APPENDIX_B_VERIFIER)).toBe(false);
    expect(verifyCodeVerifier(undefined, APPENDIX_B_VERIFIER)).toBe(false);
    expect(verifyCodeVerifier('', APPENDIX_B_VERIFIER)).toBe(false);
    expect(verifyCodeVerifier(APPENDIX_B_CHALLENGE, undefined)).toBe(false);
    expect(verifyCodeVerifier(APPENDIX_B_CHALLENGE, '')).toBe(false);
  });

  it.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside the unreserved set', `${'a'.repeat(42)}+`],
  ])('refuses a malformed verifier: %s', (_label, verifier) => {
    expect(CODE_VERIFIER_PATTERN.test(verifier)).toBe(false);
    expect(verifyCodeVerifier(s256Challenge(verifier), verifier)).toBe(false);
  });

  it('accepts verifiers of 43 and 128 characters', () => {
    for (const verifier of ['A'.repeat(43), '~'.repeat(128)]) {
      expect(verifyCodeVerifier(s256Challenge(verifier), verifier)).toBe(true);
    }
  });
});
