import { describe, expect, it } from 'vitest';
import { createLogWindow } from './log-window.ts';

describe('createLogWindow', () => {
  it('logs the first failure at once, then once per window per key, counting what it folded', () => {
    let now = 0;
    const logged: Array<[string, number]> = [];
    const once = createLogWindow(1_000, () => now);
    for (let i = 0; i < 5; i += 1) once('pool', (n) => logged.push(['pool', n]));
    once('listener', (n) => logged.push(['listener', n]));
    expect(logged).toEqual([
      ['pool', 0],
      ['listener', 0],
    ]);
    now = 1_000;
    once('pool', (n) => logged.push(['pool', n]));
    expect(logged.at(-1)).toEqual(['pool', 4]);
  });
});
