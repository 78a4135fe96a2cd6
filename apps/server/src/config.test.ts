import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
    expect(config.tokens).toMatchObject({ maxLifetimeDays: 366, requireExpiry: false });
    expect(config.uploadMaxBytes).toBe(10 * 1024 * 1024);
  });

  it('names every bad value in one error', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        PUBLIC_URL: 'ftp://x',
        LOG_LEVEL: 'loud',
        LOG_REFUSALS: 'some',
        TOKEN_REQUIRE_EXPIRY: 'maybe',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'PUBLIC_URL', 'LOG_LEVEL', 'LOG_REFUSALS', 'TOKEN_REQUIRE_EXPIRY'])
        expect(message).toContain(name);
    }
  });

  it('refuses PostgreSQL mode without an encryption key', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://localhost/tessera' })).toThrow(
      /TESSERA_ENCRYPTION_KEY/,
    );
  });

  it('parses a keyring and refuses malformed keys without echoing them', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k0 = Buffer.alloc(32, 2).toString('base64');
    const config = loadConfig({ TESSERA_ENCRYPTION_KEYS: `k1:${k1},k0:${k0}` });
    expect(config.encryptionKeys.map((k) => k.id)).toEqual(['k1', 'k0']);
    const short = Buffer.alloc(16, 3).toString('base64');
    try {
      loadConfig({ TESSERA_ENCRYPTION_KEY: short });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('32 bytes');
      expect((error as Error).message).not.toContain(short);
    }
  });
  it('reads SHUTDOWN_GRACE_MS: 15 s by default, a whole number of ms up to 10 min, refused otherwise', () => {
    expect(loadConfig({}).shutdownGraceMs).toBe(15_000);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '' }).shutdownGraceMs).toBe(15_000);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '2500' }).shutdownGraceMs).toBe(2500);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '0' }).shutdownGraceMs).toBe(0);
    expect(loadConfig({ SHUTDOWN_GRACE_MS: '600000' }).shutdownGraceMs).toBe(600_000);
    for (const bad of ['-1', '1.5', 'soon', '600001', '15s']) {
      expect(() => loadConfig({ SHUTDOWN_GRACE_MS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ SHUTDOWN_GRACE_MS: bad }), bad).toThrow(/SHUTDOWN_GRACE_MS/);
    }
  });

  it('settles for six flush intervals by default, up to 30 s, within the 60 s that last_used_at may lag', () => {
    const settle = (env: Record<string, string>) => loadConfig(env).tokens.lastUsedSettleMs;
    expect(settle({})).toBe(30_000);
    expect(settle({ TOKEN_LAST_USED_FLUSH_MS: '100' })).toBe(600);
    expect(settle({ TOKEN_LAST_USED_FLUSH_MS: '1000' })).toBe(6_000);
    expect(settle({ TOKEN_LAST_USED_FLUSH_MS: '40000' })).toBe(20_000);
    expect(settle({ TOKEN_LAST_USED_FLUSH_MS: '60000' })).toBe(0);
    expect(settle({ TOKEN_LAST_USED_SETTLE_MS: '0' })).toBe(0);
    expect(settle({ TOKEN_LAST_USED_SETTLE_MS: '55000' })).toBe(55_000);
    for (const env of [
      { TOKEN_LAST_USED_SETTLE_MS: '55001' },
      { TOKEN_LAST_USED_FLUSH_MS: '10000', TOKEN_LAST_USED_SETTLE_MS: '50001' },
    ]) {
      expect(() => loadConfig(env)).toThrow(/TOKEN_LAST_USED_SETTLE_MS/);
    }
  });
});
