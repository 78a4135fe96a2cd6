import { describe, expect, it } from 'vitest';
import { groupScopes, isWithin, levelsFromScopes, scopesFromLevels } from './scope-levels.ts';

const ALL = [
  'agents:read',
  'agents:write',
  'repos:read',
  'repos:write',
  'tasks:read',
  'tasks:write',
  'profile:read',
];

describe('scope levels', () => {
  it('groups scopes by resource in their first order, with only the levels each offers', () => {
    expect(groupScopes(ALL)).toEqual([
      { resource: 'agents', levels: ['none', 'read', 'write'] },
      { resource: 'repos', levels: ['none', 'read', 'write'] },
      { resource: 'tasks', levels: ['none', 'read', 'write'] },
      { resource: 'profile', levels: ['none', 'read'] },
    ]);
  });

  it('ignores ids that are not resource:read or resource:write', () => {
    expect(groupScopes(['admin', 'x:delete', 'a:read'])).toEqual([
      { resource: 'a', levels: ['none', 'read'] },
    ]);
  });

  it('reads write as implying read, and round-trips to the smallest list', () => {
    const groups = groupScopes(ALL);
    const levels = levelsFromScopes(['repos:read', 'repos:write', 'profile:read'], groups);
    expect(levels).toEqual({ agents: 'none', repos: 'write', tasks: 'none', profile: 'read' });
    expect(scopesFromLevels(levels, groups)).toEqual(['repos:write', 'profile:read']);
  });

  it('only lets scopes shrink', () => {
    expect(isWithin('read', 'write')).toBe(true);
    expect(isWithin('none', 'read')).toBe(true);
    expect(isWithin('write', 'read')).toBe(false);
    expect(isWithin('read', 'none')).toBe(false);
  });
});
