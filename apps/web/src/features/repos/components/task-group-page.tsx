import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Notice, type NoticeMessage } from '../../../components/ui/notice.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import type { Task } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { formatDateTime } from '../../../lib/relative-time.ts';
import { useDocumentTitle } from '../../../lib/use-document-title.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useTaskGroup, useTasks } from '../api/get-task-group.ts';
import { useAutomationTokens } from '../api/list-automation-tokens.ts';
import { currentTokenIds } from './repo-credentials.tsx';
import { useCurrentRepo } from './repo-layout.tsx';
import { AgentName, taskGroupStatus } from './repo-overview.tsx';
import { useTaskGroupActions } from './task-group-actions.tsx';

const TASK_TONE: Record<string, ChipTone> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
};

/** One task group: its status, agent, automation token and tasks, with "issue a new token" and "close group". */
export function TaskGroupPage() {
  const t = useT();
  const [language] = useLanguage();
  const now = useNow();
  const repo = useCurrentRepo();
  const { groupId = '' } = useParams();
  const group = useTaskGroup(repo.id, groupId);
  const tasks = useTasks(repo.id, groupId);
  const tokens = useAutomationTokens(repo.id);
  const [notice, setNotice] = useState<NoticeMessage | null>(null);
  const actions = useTaskGroupActions(repo.id, setNotice);
  useDocumentTitle(group.data?.title ?? t('repos.taskGroups.details'));

  const back = <Link to={`/repos/${encodeURIComponent(repo.id)}`}>← {t('repos.taskGroups.back')}</Link>;
  if (group.isPending) return <LoadingBlock label={t('app.loading')} minHeight={240} />;
  if (group.isError) {
    return (
      <div className="page">
        {back}
        <Alert tone="danger" live="alert">
          {errorMessage(group.error, t)}
        </Alert>
      </div>
    );
  }

  const data = group.data;
  const current = currentTokenIds(tokens.data ?? []);
  const token = (tokens.data ?? []).find((tok) => tok.task_group_id === data.id && current.has(tok.id));
  const status = taskGroupStatus(data.status, t);
  const target = { id: data.id, title: data.title, hasLiveToken: token?.status === 'active' };

  const columns: Column<Task>[] = [
    {
      key: 'title',
      header: t('repos.taskGroups.task'),
      className: 'col-name',
      cell: (task) => (
        <div className="stack-xs">
          <span className="strong">{task.title}</span>
          {task.output ? <span className="muted small clamp-2">{task.output}</span> : null}
        </div>
      ),
    },
    {
      key: 'status',
      header: t('repos.taskGroups.taskStatus'),
      cell: (task) => {
        const key = `repos.taskGroups.taskStatuses.${task.status}`;
        return (
          <Chip tone={TASK_TONE[task.status] ?? 'neutral'}>{isMessageKey(key) ? t(key) : task.status}</Chip>
        );
      },
    },
    {
      key: 'created',
      className: 'col-nowrap',
      header: t('repos.taskGroups.created'),
      cell: (task) => <RelativeTime date={task.created_at} now={now} />,
    },
    {
      key: 'updated',
      className: 'col-nowrap',
      header: t('repos.taskGroups.updated'),
      cell: (task) => <RelativeTime date={task.updated_at} now={now} />,
    },
  ];

  return (
    <div className="page">
      {back}
      <section className="card section" aria-labelledby="task-group-title">
        <div className="section__header">
          <h2 id="task-group-title">{data.title}</h2>
          <Chip tone={status.tone}>{status.label}</Chip>
        </div>
        <dl className="definition-list">
          <dt>{t('repos.taskGroups.agent')}</dt>
          <dd>
            <AgentName group={data} />
          </dd>
          <dt>{t('repos.taskGroups.created')}</dt>
          <dd>{formatDateTime(data.created_at, language)}</dd>
          {data.closed_at ? (
            <>
              <dt>{t('repos.taskGroups.closedAt')}</dt>
              <dd>{formatDateTime(data.closed_at, language)}</dd>
            </>
          ) : null}
          <dt>{t('repos.taskGroups.token')}</dt>
          <dd>
            {token ? (
              <span className="inline-chips">
                <code className="code">{token.name}</code>
                <Chip tone={token.status === 'active' ? 'success' : 'neutral'}>
                  {t(`tokens.status.${token.status}`)}
                </Chip>
              </span>
            ) : tokens.isPending ? (
              t('app.loading')
            ) : (
              t('repos.taskGroups.noToken')
            )}
          </dd>
        </dl>
        {data.status === 'open' ? (
          <div className="row-actions">
            <Button size="sm" onClick={() => actions.askReissue(target)}>
              {t('repos.automation.reissue')}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="btn--danger-text"
              onClick={() => actions.askClose(target)}
            >
              {t('repos.automation.closeGroup')}
            </Button>
          </div>
        ) : null}
      </section>
      <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
      <section className="section" aria-labelledby="task-group-tasks">
        <div className="section__header">
          <h2 id="task-group-tasks">{t('repos.taskGroups.tasks')}</h2>
          <Button size="sm" onClick={() => tasks.refetch()} loading={tasks.isFetching && !tasks.isPending}>
            {t('app.refresh')}
          </Button>
        </div>
        <QueryTable
          query={tasks}
          errorText={tasks.isError ? errorMessage(tasks.error, t) : null}
          retryLabel={t('app.retry')}
          caption={t('repos.taskGroups.tasksCaption')}
          columns={columns}
          rows={tasks.data}
          rowKey={(task) => task.id}
          loadingLabel={t('app.loading')}
          placeholderRows={2}
          empty={<EmptyState title={t('repos.taskGroups.tasksEmpty')} />}
        />
      </section>
      {actions.dialogs}
    </div>
  );
}
