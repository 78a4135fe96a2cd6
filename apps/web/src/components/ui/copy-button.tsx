import { useEffect, useState } from 'react';
import { Button } from './button.tsx';

export interface CopyButtonProps {
  /** Reads the text at the moment of copying, so the caller need not hand it over earlier. */
  getText: () => string;
  label: string;
  copiedLabel: string;
  failedLabel: string;
  variant?: 'primary' | 'secondary';
}

export function CopyButton({
  getText,
  label,
  copiedLabel,
  failedLabel,
  variant = 'primary',
}: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(getText());
      setState('copied');
    } catch {
      setState('failed');
    }
  };

  return (
    <>
      <Button variant={variant} onClick={copy} className="copy-button">
        {/* Both labels share one grid cell, so the button keeps its width when the text changes. */}
        <span className="swap-label">
          <span className={state === 'copied' ? 'is-hidden' : undefined}>{label}</span>
          <span className={state === 'copied' ? undefined : 'is-hidden'}>{copiedLabel}</span>
        </span>
      </Button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? copiedLabel : state === 'failed' ? failedLabel : ''}
      </span>
    </>
  );
}
