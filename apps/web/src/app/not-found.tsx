import { Link } from 'react-router';
import { EmptyState } from '../components/ui/empty-state.tsx';
import { PageHeader } from '../components/ui/page-header.tsx';
import { useT } from '../i18n/i18n-provider.tsx';

export function NotFoundPage() {
  const t = useT();
  return (
    <div className="page">
      <PageHeader title={t('app.notFoundTitle')} />
      <EmptyState title={t('app.notFoundText')} action={<Link to="/">{t('app.backHome')}</Link>} />
    </div>
  );
}
