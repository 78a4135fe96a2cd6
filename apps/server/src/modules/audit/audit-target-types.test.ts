import { describe, expect, it } from 'vitest';
import {
  AUDIT_TARGET_TYPE_OF_CREDENTIAL,
  AUDIT_TARGET_TYPES,
  readAuditTargetType,
} from './audit-target-types.ts';

describe('audit target types', () => {
  it('names every credential kind by a member of the list', () => {
    for (const type of Object.values(AUDIT_TARGET_TYPE_OF_CREDENTIAL)) {
      expect(AUDIT_TARGET_TYPES).toContain(type);
    }
    expect(AUDIT_TARGET_TYPE_OF_CREDENTIAL.automation).toBe('automation_token');
    expect(AUDIT_TARGET_TYPE_OF_CREDENTIAL.personal).toBe('personal_access_token');
  });

  it('reads legacy spellings as list members and leaves list members and null alone', () => {
    expect(readAuditTargetType('credential')).toBe('automation_token');
    expect(readAuditTargetType('personal')).toBe('personal_access_token');
    for (const type of AUDIT_TARGET_TYPES) expect(readAuditTargetType(type)).toBe(type);
    expect(readAuditTargetType(null)).toBeNull();
  });

  it('is sorted and has no duplicates, so a new type has one obvious place', () => {
    expect([...AUDIT_TARGET_TYPES]).toEqual([...new Set(AUDIT_TARGET_TYPES)].sort());
  });
});
