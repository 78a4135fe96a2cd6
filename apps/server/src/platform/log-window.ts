/**
 * Background failures (a dropped pool client, a listener that cannot reconnect, a key refresh
 * that fails) repeat while their cause lasts. Log the first at once and then at most one line per
 * window and key, saying how many were folded into it, so the cause is visible without a flood.
 */
export function createLogWindow(windowMs = 60_000, now: () => number = Date.now) {
  const windows = new Map<string, { openedAt: number; suppressed: number }>();
  return function logOncePerWindow(key: string, log: (suppressedSinceLast: number) => void): void {
    const at = now();
    const window = windows.get(key);
    if (window && at - window.openedAt < windowMs) {
      window.suppressed += 1;
      return;
    }
    windows.set(key, { openedAt: at, suppressed: 0 });
    log(window?.suppressed ?? 0);
  };
}
