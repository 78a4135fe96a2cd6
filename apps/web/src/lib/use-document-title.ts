import { useEffect } from 'react';

/** The browser tab names the screen ("Security log · Tessera"), in the reader's language. */
export function useDocumentTitle(title: string | null | undefined, appName = 'Tessera'): void {
  useEffect(() => {
    if (title) document.title = `${title} · ${appName}`;
  }, [title, appName]);
}
