import { describe, expect, it, onTestFinished } from 'vitest';
import { createRefusalLog, type RefusalSummary } from './refusal-log.ts';

function refusalLog(options: { maxSources?: number } = {}) {
  let now = 0;
  const summaries: RefusalSummary[] = [];
  const log = createRefusalLog({ windowMs: 1_000, now: () => now, ...options });
  log.start((summary) => summaries.push(summary));
  onTestFinished(() => log.stop());
  return {
    log,
    summaries,
    at(ms: number) {
      now = ms;
    },
  };
}

describe('createRefusalLog', () => {
  it('admits the first refusal of a kind per address and window, and counts the rest into one summary', () => {
    const { log, summaries, at } = refusalLog();
    expect(log.admit('198.51.100.1', 'invalid_token')).toBe(true);
    for (let i = 0; i < 4; i += 1) expect(log.admit('198.51.100.1', 'invalid_token')).toBe(false);
    // Another kind, another address: windows of their own.
    expect(log.admit('198.51.100.1', 'insufficient_scope')).toBe(true);
    expect(log.admit('198.51.100.2', 'invalid_token')).toBe(true);

    at(999);
    log.sweep();
    expect(summaries).toEqual([]);
    at(1_000);
    log.sweep();
    // Only the window that folded refusals reports; the others close silently.
    expect(summaries).toEqual([
      { ip: '198.51.100.1', code: 'invalid_token', refused: 4, since: new Date(0).toISOString() },
    ]);
    expect(log.openWindows).toBe(0);
    expect(log.admit('198.51.100.1', 'invalid_token')).toBe(true);
  });

  it('closes an expired window when its address is refused again, before the sweep', () => {
    const { log, summaries, at } = refusalLog();
    log.admit('198.51.100.1', 'invalid_token');
    log.admit('198.51.100.1', 'invalid_token');
    at(1_500);
    expect(log.admit('198.51.100.1', 'invalid_token')).toBe(true);
    expect(summaries).toEqual([
      { ip: '198.51.100.1', code: 'invalid_token', refused: 1, since: new Date(0).toISOString() },
    ]);
  });

  it('folds addresses past the limit into one window per code, so a spread-out flood cannot grow it', () => {
    const { log, summaries } = refusalLog({ maxSources: 2 });
    expect(log.admit('198.51.100.1', 'invalid_token')).toBe(true);
    expect(log.admit('198.51.100.2', 'invalid_token')).toBe(true);
    for (let i = 3; i < 1_003; i += 1) expect(log.admit(`198.51.100.${i}`, 'invalid_token')).toBe(false);
    expect(log.openWindows).toBe(3);
    log.stop();
    expect(summaries).toEqual([
      { ip: null, code: 'invalid_token', refused: 1_000, since: new Date(0).toISOString() },
    ]);
  });

  it('reports every open count when stopped, so none is lost at shutdown', () => {
    const { log, summaries } = refusalLog();
    log.admit('198.51.100.1', 'invalid_token');
    log.admit('198.51.100.1', 'invalid_token');
    log.stop();
    expect(summaries.map((summary) => summary.refused)).toEqual([1]);
  });
});
