import { useState } from 'react';
import { Link, NavLink, Outlet, useNavigate, useOutletContext, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { Repo } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useDeleteRepo } from '../api/delete-repo.ts';
import { useRepo } from '../api/get-repo.ts';

/** The repository's sections read the loaded repository from here. */
export function useCurrentRepo(): Repo {
  return useOutletContext<Repo>();
}

export function RepoLayout() {
  const t = useT();
  const { id = '' } = useParams();
  const repo = useRepo(id);
  const navigate = useNavigate();
  const disconnect = useDeleteRepo();
  const [confirming, setConfirming] = useState(false);

  const back = <Link to="/repos">← {t('repos.page.back')}</Link>;
  if (repo.isPending) {
    return (
      <div className="page">
        <PageHeader title={<span className="skeleton skeleton--title" />} back={back} />
        <LoadingBlock label={t('app.loading')} minHeight={320} />
      </div>
    );
  }
  if (repo.isError) {
    return (
      <div className="page">
        <PageHeader title={t('repos.title')} back={back} />
        <Alert tone="danger" live="alert">
          {errorMessage(repo.error, t)}
        </Alert>
      </div>
    );
  }

  const data = repo.data;
  return (
    <div className="page">
      <PageHeader
        back={back}
        title={data.full_name}
        description={
          <span className="inline-chips">
            <Chip>{t(`providers.names.${data.provider}`)}</Chip>
            <Chip tone={data.private ? 'neutral' : 'info'}>
              {data.private ? t('repos.private') : t('repos.public')}
            </Chip>
          </span>
        }
        actions={
          <Button variant="ghost" className="btn--danger-text" onClick={() => setConfirming(true)}>
            {t('repos.page.disconnect')}
          </Button>
        }
      />
      <nav className="tabs" aria-label={t('repos.page.tabs')}>
        <NavLink end to={`/repos/${encodeURIComponent(data.id)}`} className="tabs__link">
          {t('repos.page.overview')}
        </NavLink>
        <NavLink to={`/repos/${encodeURIComponent(data.id)}/credentials`} className="tabs__link">
          {t('repos.page.credentials')}
        </NavLink>
      </nav>
      <Outlet context={data} />
      <ConfirmDialog
        open={confirming}
        title={t('repos.page.disconnectTitle', { name: data.full_name })}
        body={t('repos.page.disconnectBody')}
        confirmLabel={t('repos.page.disconnectConfirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        pending={disconnect.isPending}
        error={disconnect.isError ? errorMessage(disconnect.error, t) : undefined}
        onClose={() => {
          disconnect.reset();
          setConfirming(false);
        }}
        onConfirm={() =>
          disconnect.mutate(data.id, { onSuccess: () => navigate('/repos', { replace: true }) })
        }
      />
    </div>
  );
}
