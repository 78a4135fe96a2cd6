/** One summary: how many refusals of one kind from one address were folded into it. */
export interface RefusalSummary {
  /** The client address, or null for the sources past `maxSources` folded together. */
  ip: string | null;
  /** The problem code the refusal answered with (`invalid_token`, `insufficient_scope`, …). */
  code: string;
  /** Refusals not logged on their own since the window opened. */
  refused: number;
  /** When the window opened: the time of the refusal that was logged in full. */
  since: string;
}

export interface RefusalLogOptions {
  windowMs?: number;
  /** Windows kept at once; refusals from further addresses share one window per code (ip null). */
  maxSources?: number;
  now?: () => number;
}

interface RefusalWindow {
  ip: string | null;
  code: string;
  openedAt: number;
  refused: number;
}

export const REFUSAL_WINDOW_MS = 10_000;
export const REFUSAL_MAX_SOURCES = 10_000;

/**
 * Refused requests (a malformed, unknown or revoked token, a missing scope) are logged per
 * source, not per request (ADR 0043): the first refusal of a kind from an address is logged in
 * full, the others in the next `windowMs` are counted, and one summary line says how many there
 * were when the window closes. A client whose token stopped working still sees its first 401 in
 * the log at once; a flood of forged tokens costs one line per address and window instead of one
 * per request, so it can neither fill the disk nor bury what else happened.
 */
export function createRefusalLog(options: RefusalLogOptions = {}) {
  const windowMs = options.windowMs ?? REFUSAL_WINDOW_MS;
  const maxSources = options.maxSources ?? REFUSAL_MAX_SOURCES;
  const now = options.now ?? Date.now;
  const windows = new Map<string, RefusalWindow>();
  let report: (summary: RefusalSummary) => void = () => {};
  let timer: NodeJS.Timeout | undefined;

  function close(key: string, window: RefusalWindow) {
    windows.delete(key);
    if (window.refused > 0) {
      report({
        ip: window.ip,
        code: window.code,
        refused: window.refused,
        since: new Date(window.openedAt).toISOString(),
      });
    }
  }

  /** Past `maxSources` addresses, one window per code counts them all (no line in full). */
  function countBeyondLimit(code: string, at: number) {
    const key = `${code} *`;
    const window = windows.get(key);
    if (window) window.refused += 1;
    else windows.set(key, { ip: null, code, openedAt: at, refused: 1 });
  }

  /** Closes every window older than `windowMs`, reporting those that folded refusals. */
  function sweep(all = false) {
    const at = now();
    for (const [key, window] of windows) if (all || at - window.openedAt >= windowMs) close(key, window);
  }

  return {
    /**
     * Whether this refusal is to be logged in full (the first of its window); otherwise it is
     * counted into the window's summary.
     */
    admit(ip: string, code: string): boolean {
      const at = now();
      const key = `${code} ${ip}`;
      const window = windows.get(key);
      if (window) {
        if (at - window.openedAt < windowMs) {
          window.refused += 1;
          return false;
        }
        close(key, window);
      } else if (windows.size >= maxSources) {
        countBeyondLimit(code, at);
        return false;
      }
      windows.set(key, { ip, code, openedAt: at, refused: 0 });
      return true;
    },

    /** Starts closing windows as they age; summaries go to `onSummary`. */
    start(onSummary: (summary: RefusalSummary) => void) {
      report = onSummary;
      timer ??= setInterval(() => sweep(), Math.max(1, Math.floor(windowMs / 2)));
      timer.unref();
    },

    /** Closes every window now (at shutdown), so no count is lost. */
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      sweep(true);
    },

    sweep,
    get openWindows() {
      return windows.size;
    },
  };
}

export type RefusalLog = ReturnType<typeof createRefusalLog>;
