import { useId } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';

export interface SecretRevealProps {
  tokenName: string;
  secret: string;
}

/**
 * Shows a just-created secret once. The secret lives only in the owner's React state: never in
 * storage, the URL, history state or the query cache; the owner drops it when the reveal closes.
 */
export function SecretReveal({ tokenName, secret }: SecretRevealProps) {
  const t = useT();
  const id = useId();
  return (
    <div className="secret-reveal">
      <Alert tone="warning" live="status">
        {t('tokens.reveal.warning')}
      </Alert>
      <p className="field__label" id={`${id}-label`}>
        {t('tokens.reveal.label', { name: tokenName })}
      </p>
      <div className="secret-reveal__row">
        <output className="secret" aria-labelledby={`${id}-label`} data-testid="token-secret">
          {secret}
        </output>
        <CopyButton
          getText={() => secret}
          label={t('tokens.reveal.copy')}
          copiedLabel={t('tokens.reveal.copied')}
          failedLabel={t('tokens.reveal.copyFailed')}
        />
      </div>
    </div>
  );
}
