import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../lib/api-types.ts';
import { csvField, toCsv, toJson } from './audit-export.ts';

const event: AuditEvent = {
  id: '1',
  action: 'token.renamed',
  outcome: 'success',
  target_type: 'personal_access_token',
  target_id: 'tok_1',
  actor_credential_id: null,
  actor_kind: 'session',
  ip: '127.0.0.1',
  user_agent: 'Mozilla/5.0 (X11, "quoted")',
  metadata: { from: 'a', to: 'b' },
  created_at: '2026-12-03T10:00:00.000Z',
};

describe('audit export', () => {
  it('quotes commas, quotes and line breaks (RFC 4180) and neutralises formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(null)).toBe('');
  });

  it('writes a header and one line per event, with the label, target and change', () => {
    const csv = toCsv([{ event, label: 'Token renamed', target: 'b', change: '“a” → “b”' }]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'created_at,action,label,outcome,target_type,target_id,target,change,actor_kind,ip,user_agent',
    );
    expect(lines[1]).toBe(
      '2026-12-03T10:00:00.000Z,token.renamed,Token renamed,success,personal_access_token,tok_1,b,“a” → “b”,session,127.0.0.1,"Mozilla/5.0 (X11, ""quoted"")"',
    );
  });

  it('writes JSON with every field of the event plus the label', () => {
    const parsed = JSON.parse(toJson([{ event, label: 'L', target: null, change: null }]));
    expect(parsed).toEqual([{ ...event, label: 'L', target: null, change: null }]);
  });
});
