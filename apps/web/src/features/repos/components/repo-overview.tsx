import { Link } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { type Translate, useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import type { TaskGroup } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { formatDateTime } from '../../../lib/relative-time.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useTaskGroups } from '../api/list-task-groups.ts';
import { useCurrentRepo } from './repo-layout.tsx';

export function taskGroupStatus(status: string, t: Translate): { label: string; tone: ChipTone } {
  const key = `repos.taskGroups.statuses.${status}`;
  return {
    label: isMessageKey(key) ? t(key) : status,
    tone: status === 'closed' ? 'neutral' : 'success',
  };
}

/** The agent by name (linked to its page), never by its `agt_…` id. */
export function AgentName({ group }: { group: TaskGroup }) {
  const t = useT();
  if (group.agent_id && group.agent_name) {
    return <Link to={`/agents/${encodeURIComponent(group.agent_id)}`}>{group.agent_name}</Link>;
  }
  // Deleted, or another user's agent that was made private.
  return <span className="muted">{t('repos.taskGroups.agentUnavailable')}</span>;
}

export function RepoOverview() {
  const t = useT();
  const [language] = useLanguage();
  const now = useNow();
  const repo = useCurrentRepo();
  const groups = useTaskGroups(repo.id);

  const columns: Column<TaskGroup>[] = [
    {
      key: 'title',
      header: t('repos.taskGroups.name'),
      className: 'col-name',
      // The row opens the group: its tasks, status and token.
      cell: (group) => (
        <Link
          to={`/repos/${encodeURIComponent(repo.id)}/task-groups/${encodeURIComponent(group.id)}`}
          className="strong"
        >
          {group.title}
        </Link>
      ),
    },
    {
      key: 'agent',
      header: t('repos.taskGroups.agent'),
      cell: (group) => <AgentName group={group} />,
    },
    {
      key: 'status',
      header: t('repos.taskGroups.status'),
      cell: (group) => {
        const status = taskGroupStatus(group.status, t);
        return <Chip tone={status.tone}>{status.label}</Chip>;
      },
    },
    {
      key: 'created',
      className: 'col-nowrap',
      header: t('repos.taskGroups.created'),
      cell: (group) => <RelativeTime date={group.created_at} now={now} />,
    },
  ];

  return (
    <div className="page">
      <section className="card section" aria-labelledby="repo-details">
        <h2 id="repo-details">{t('repos.page.details')}</h2>
        <dl className="definition-list">
          <dt>{t('repos.table.provider')}</dt>
          <dd>{t(`providers.names.${repo.provider}`)}</dd>
          <dt>{t('repos.table.defaultBranch')}</dt>
          <dd>{repo.default_branch ? <code className="code">{repo.default_branch}</code> : t('app.none')}</dd>
          <dt>{t('repos.table.visibility')}</dt>
          <dd>{repo.private ? t('repos.private') : t('repos.public')}</dd>
          <dt>{t('repos.table.connected')}</dt>
          <dd>{formatDateTime(repo.created_at, language)}</dd>
        </dl>
      </section>
      <section className="section" aria-labelledby="task-groups">
        <div className="section__header">
          <h2 id="task-groups">{t('repos.taskGroups.title')}</h2>
          <Button size="sm" onClick={() => groups.refetch()} loading={groups.isFetching && !groups.isPending}>
            {t('app.refresh')}
          </Button>
        </div>
        <QueryTable
          query={groups}
          errorText={groups.isError ? errorMessage(groups.error, t) : null}
          retryLabel={t('app.retry')}
          caption={t('repos.taskGroups.caption')}
          columns={columns}
          rows={groups.data}
          rowKey={(group) => group.id}
          loadingLabel={t('app.loading')}
          placeholderRows={2}
          rowClassName={(group) => (group.status === 'closed' ? 'table__row--inactive' : undefined)}
          empty={<EmptyState title={t('repos.taskGroups.empty')} />}
        />
      </section>
    </div>
  );
}
