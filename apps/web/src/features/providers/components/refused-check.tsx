import { useEffect, useRef } from 'react';
import { Button } from '../../../components/ui/button.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { ProviderTestResult } from '../../../lib/api-types.ts';
import { TestResult } from './test-result.tsx';

/**
 * The provider refused a token and nothing was saved: what the test found, and the two ways on —
 * fix the token, or save it anyway. Takes focus so the outcome is read and seen.
 */
export function RefusedCheck({
  result,
  pending,
  onForce,
  onEdit,
}: {
  result: ProviderTestResult;
  pending: boolean;
  onForce: () => void;
  onEdit: () => void;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <div className="alert alert--danger refused-check" role="alert" tabIndex={-1} ref={ref}>
      <div className="alert__body">
        <p className="alert__title">{t('providers.refused.title')}</p>
        <TestResult result={result} />
        <p className="small">{t('providers.refused.body')}</p>
        <div className="form__actions">
          <Button variant="primary" onClick={onEdit} disabled={pending}>
            {t('providers.refused.edit')}
          </Button>
          <Button variant="danger" onClick={onForce} loading={pending}>
            {t('providers.refused.force')}
          </Button>
        </div>
      </div>
    </div>
  );
}
