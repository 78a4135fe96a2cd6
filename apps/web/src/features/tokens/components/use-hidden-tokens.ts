import { useCallback, useState } from 'react';

const KEY = 'tessera.hiddenTokens';

function read(): Set<string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((id) => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * Inactive tokens the user chose to hide (a view preference kept in this browser, ids only; the
 * server keeps every token and its audit trail).
 */
export function useHiddenTokens() {
  const [ids, setIds] = useState<Set<string>>(read);
  const write = useCallback((next: Set<string>) => {
    setIds(next);
    try {
      localStorage.setItem(KEY, JSON.stringify([...next]));
    } catch {
      // Storage full or blocked: the choice lasts until the page is left.
    }
  }, []);
  return {
    ids,
    hide: (id: string) => write(new Set([...ids, id])),
    unhide: (id: string) => write(new Set([...ids].filter((other) => other !== id))),
  };
}
