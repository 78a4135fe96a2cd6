import { TesseraApiError } from '@tessera/client';
import { describe, expect, it } from 'vitest';
import {
  limitsRepositories,
  networksText,
  overlapChoices,
  parseNetworks,
  refusedNetworks,
  removedScopes,
} from './restrictions.ts';

describe('token restrictions', () => {
  it('knows which scopes a repository restriction limits', () => {
    expect(limitsRepositories(['repos:read'])).toBe(true);
    expect(limitsRepositories(['agents:write', 'tasks:read'])).toBe(true);
    expect(limitsRepositories(['agents:write', 'profile:read'])).toBe(false);
  });

  it('reads one network per line (commas and spaces too), without duplicates; empty is any network', () => {
    expect(parseNetworks(' 203.0.113.0/24\n\n2001:db8::/48, 203.0.113.0/24 10.0.0.0/8 ')).toEqual([
      '203.0.113.0/24',
      '2001:db8::/48',
      '10.0.0.0/8',
    ]);
    expect(parseNetworks(' \n ')).toBeNull();
    expect(networksText(['10.0.0.0/8', '2001:db8::/48'])).toBe('10.0.0.0/8\n2001:db8::/48');
    expect(networksText(null)).toBe('');
  });

  it("names the entries the server's problem+json refused, by their index", () => {
    const error = new TesseraApiError({
      status: 400,
      code: 'invalid_request',
      detail: 'allowed_cidrs holds entries that are not CIDRs.',
      errors: [
        { path: 'body.allowed_cidrs.1', message: 'expected an IPv4 or IPv6 CIDR' },
        { path: 'body.allowed_cidrs.2', message: 'expected an IPv4 or IPv6 CIDR' },
        { path: 'body.name', message: 'too long' },
      ],
    });
    expect(refusedNetworks(error, ['10.0.0.0/8', 'office', '1.2.3.4/33'])).toEqual(['office', '1.2.3.4/33']);
    expect(refusedNetworks(error, null)).toEqual([]);
    expect(refusedNetworks(new Error('boom'), ['x'])).toEqual([]);
  });

  it('lists what a reduction removes', () => {
    expect(removedScopes(['repos:write', 'agents:read', 'tasks:read'], ['repos:read'])).toEqual([
      'repos:write',
      'agents:read',
      'tasks:read',
    ]);
  });

  it('offers overlap deadlines within the maximum', () => {
    expect(overlapChoices(1440)).toEqual([15, 60, 240, 720, 1440]);
    expect(overlapChoices(120)).toEqual([15, 60]);
    expect(overlapChoices(5)).toEqual([5]);
  });
});
