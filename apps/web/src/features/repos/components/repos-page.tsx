import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { Repo } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useRepos } from '../api/list-repos.ts';
import { ConnectRepoDialog } from './connect-repo-dialog.tsx';

export function ReposPage() {
  const t = useT();
  const now = useNow();
  const navigate = useNavigate();
  const repos = useRepos();
  const [connecting, setConnecting] = useState(false);

  const columns: Column<Repo>[] = [
    {
      key: 'name',
      header: t('repos.table.name'),
      className: 'col-name',
      cell: (repo) => (
        <Link to={`/repos/${encodeURIComponent(repo.id)}`} className="row-link">
          {repo.full_name}
        </Link>
      ),
    },
    {
      key: 'provider',
      header: t('repos.table.provider'),
      cell: (repo) => t(`providers.names.${repo.provider}`),
    },
    {
      key: 'visibility',
      header: t('repos.table.visibility'),
      cell: (repo) => (
        <Chip tone={repo.private ? 'neutral' : 'info'}>
          {repo.private ? t('repos.private') : t('repos.public')}
        </Chip>
      ),
    },
    {
      key: 'branch',
      header: t('repos.table.defaultBranch'),
      cell: (repo) =>
        repo.default_branch ? <code className="code">{repo.default_branch}</code> : t('app.none'),
    },
    {
      key: 'connected',
      className: 'col-nowrap',
      header: t('repos.table.connected'),
      cell: (repo) => <RelativeTime date={repo.created_at} now={now} />,
    },
  ];

  return (
    <div className="page">
      <PageHeader
        title={t('repos.title')}
        description={t('repos.intro')}
        actions={
          <Button variant="primary" onClick={() => setConnecting(true)}>
            {t('repos.connect')}
          </Button>
        }
      />
      <QueryTable
        query={repos}
        errorText={repos.isError ? errorMessage(repos.error, t) : null}
        retryLabel={t('app.retry')}
        caption={t('repos.table.caption')}
        columns={columns}
        rows={repos.data}
        rowKey={(repo) => repo.id}
        loadingLabel={t('app.loading')}
        empty={
          <EmptyState
            title={t('repos.empty.title')}
            description={t('repos.empty.description')}
            action={
              <Button variant="primary" onClick={() => setConnecting(true)}>
                {t('repos.connect')}
              </Button>
            }
          />
        }
      />
      <ConnectRepoDialog
        open={connecting}
        onClose={() => setConnecting(false)}
        connected={repos.data ?? []}
        onConnected={(repo) => {
          setConnecting(false);
          navigate(`/repos/${encodeURIComponent(repo.id)}`);
        }}
      />
    </div>
  );
}
