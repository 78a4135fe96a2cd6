import { describe, expect, it } from 'vitest';
import {
  canonicalScopes,
  expandScopes,
  grantsScope,
  isScope,
  narrowScopes,
  parseScopeParameter,
  SCOPES,
  type Scope,
} from './scopes.ts';

describe('grantsScope: write implies read of the same resource', () => {
  it.each<[string[], Scope, boolean]>([
    // What is held, and a read where the write of that resource is held.
    [['agents:read'], 'agents:read', true],
    [['agents:write'], 'agents:read', true],
    [['account'], 'account', true],
    // Never a write from a read, nor one resource from another, nor account from anything.
    [['agents:read'], 'agents:write', false],
    [['repos:write'], 'agents:read', false],
    [['agents:write', 'repos:write', 'tasks:write'], 'account', false],
    [[], 'profile:read', false],
  ])('holding %j grants %s: %s', (held, required, granted) => {
    expect(grantsScope(held, required)).toBe(granted);
  });
});

describe('expandScopes', () => {
  it('adds the read of every write held and keeps everything else as it is', () => {
    expect([...expandScopes(['tasks:write', 'account', 'profile:read'])].sort()).toEqual(
      ['account', 'profile:read', 'tasks:read', 'tasks:write'].sort(),
    );
  });
});

describe('canonicalScopes', () => {
  it('answers each known scope once, in the canonical order, dropping unknown names', () => {
    expect(canonicalScopes(['account', 'tasks:write', 'nonsense', 'agents:read', 'account'])).toEqual([
      'agents:read',
      'tasks:write',
      'account',
    ]);
  });

  it('orders the whole list as SCOPES does', () => {
    expect(canonicalScopes([...SCOPES].reverse())).toEqual([...SCOPES]);
  });
});

describe('isScope', () => {
  it('knows every scope and nothing else (case matters)', () => {
    for (const scope of SCOPES) expect(isScope(scope)).toBe(true);
    expect(isScope('agents:admin')).toBe(false);
    expect(isScope('AGENTS:READ')).toBe(false);
    expect(isScope('')).toBe(false);
  });
});

describe('parseScopeParameter (RFC 6749 §3.3)', () => {
  it('splits on spaces, without empty names or repeats, in the order asked', () => {
    expect(parseScopeParameter('repos:read  agents:read repos:read ')).toEqual(['repos:read', 'agents:read']);
  });

  it('answers nothing for a missing or empty parameter', () => {
    expect(parseScopeParameter(undefined)).toEqual([]);
    expect(parseScopeParameter('')).toEqual([]);
    expect(parseScopeParameter('   ')).toEqual([]);
  });
});

describe('narrowScopes: a request may shrink a grant, never widen it', () => {
  const held = ['tasks:write', 'agents:write', 'account'];

  it('keeps the whole grant, canonically ordered, when no scope (or an empty one) is asked', () => {
    expect(narrowScopes(held, undefined)).toEqual(['agents:write', 'tasks:write', 'account']);
    expect(narrowScopes(held, '')).toEqual(['agents:write', 'tasks:write', 'account']);
  });

  it('narrows to what is asked, a read being covered by the write held', () => {
    expect(narrowScopes(held, 'tasks:read agents:write')).toEqual(['agents:write', 'tasks:read']);
    expect(narrowScopes(held, 'account')).toEqual(['account']);
  });

  it('refuses (null) a scope not held, a write where only the read is held, and an unknown name', () => {
    expect(narrowScopes(held, 'repos:read')).toBeNull();
    expect(narrowScopes(['agents:read'], 'agents:write')).toBeNull();
    expect(narrowScopes(held, 'agents:write tasks:admin')).toBeNull();
  });
});
