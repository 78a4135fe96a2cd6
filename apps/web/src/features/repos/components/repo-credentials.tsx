import { useState } from 'react';
import { Link } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Notice, type NoticeMessage } from '../../../components/ui/notice.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { AutomationToken, TokenStatus } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useAutomationTokens } from '../api/list-automation-tokens.ts';
import { useRevokeAutomationToken } from '../api/revoke-automation-token.ts';
import { useCurrentRepo } from './repo-layout.tsx';
import { taskGroupStatus } from './repo-overview.tsx';
import { useTaskGroupActions } from './task-group-actions.tsx';

const STATUS_TONE: Record<TokenStatus, ChipTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'neutral',
};

/**
 * The current token of each task group: the first one listed (newest first). Older, revoked
 * tokens of the same group stay listed for the record but carry no group actions.
 */
export function currentTokenIds(tokens: AutomationToken[]): Set<string> {
  const seen = new Set<string>();
  const current = new Set<string>();
  for (const token of tokens) {
    if (seen.has(token.task_group_id)) continue;
    seen.add(token.task_group_id);
    current.add(token.id);
  }
  return current;
}

/**
 * The repository's automation tokens: name (task-group-<id>) with the group's title beside it,
 * scope, expiry, created, last used; revoke one, and afterwards issue the group a new token or
 * close it (ADR 0024).
 */
export function RepoCredentials() {
  const t = useT();
  const now = useNow();
  const repo = useCurrentRepo();
  const tokens = useAutomationTokens(repo.id);
  const revoke = useRevokeAutomationToken(repo.id);
  const [target, setTarget] = useState<AutomationToken | null>(null);
  const [lastTarget, setLastTarget] = useState<AutomationToken | null>(null);
  const [notice, setNotice] = useState<NoticeMessage | null>(null);
  const actions = useTaskGroupActions(repo.id, setNotice);

  const current = currentTokenIds(tokens.data ?? []);
  const groupLink = (token: AutomationToken) =>
    `/repos/${encodeURIComponent(repo.id)}/task-groups/${encodeURIComponent(token.task_group_id)}`;
  const stranded = (tokens.data ?? []).filter(
    (token) => current.has(token.id) && token.task_group_status === 'open' && token.status !== 'active',
  );

  const columns: Column<AutomationToken>[] = [
    {
      key: 'name',
      header: t('repos.automation.name'),
      className: 'col-name',
      cell: (token) => (
        <div className="stack-xs">
          <code className="code">{token.name}</code>
          <span>
            <Link to={groupLink(token)} className="strong">
              {token.task_group_title}
            </Link>{' '}
            <Chip tone={taskGroupStatus(token.task_group_status, t).tone}>
              {taskGroupStatus(token.task_group_status, t).label}
            </Chip>
          </span>
          <span className="muted small">
            <code className="code">{token.preview}</code>
          </span>
        </div>
      ),
    },
    {
      key: 'scope',
      header: t('repos.automation.scope'),
      cell: (token) => <code className="code">{token.scopes.join(', ')}</code>,
    },
    {
      key: 'expires',
      className: 'col-nowrap',
      header: t('repos.automation.expires'),
      cell: (token) =>
        token.expires_at ? (
          <RelativeTime date={token.expires_at} now={now} />
        ) : (
          <span>{t('repos.automation.neverExpires')}</span>
        ),
    },
    {
      key: 'created',
      className: 'col-nowrap',
      header: t('repos.automation.created'),
      cell: (token) => <RelativeTime date={token.created_at} now={now} />,
    },
    {
      key: 'used',
      className: 'col-nowrap',
      header: t('repos.automation.lastUsed'),
      cell: (token) =>
        token.last_used_at ? (
          <div className="stack-xs">
            <RelativeTime date={token.last_used_at} now={now} />
            {token.last_used_ip ? (
              <span className="muted small">{t('tokens.table.usedFrom', { ip: token.last_used_ip })}</span>
            ) : null}
          </div>
        ) : (
          <span className="muted">{t('time.neverUsed')}</span>
        ),
    },
    {
      key: 'status',
      header: t('repos.automation.status'),
      cell: (token) => <Chip tone={STATUS_TONE[token.status]}>{t(`tokens.status.${token.status}`)}</Chip>,
    },
    {
      key: 'actions',
      header: t('repos.automation.actions'),
      hideHeader: true,
      className: 'col-actions',
      cell: (token) => {
        const groupActions = current.has(token.id) && token.task_group_status === 'open';
        const group = {
          id: token.task_group_id,
          title: token.task_group_title,
          hasLiveToken: token.status === 'active',
        };
        return (
          // Stacked: three actions side by side would not fit beside the other columns.
          <div className="stack-xs">
            {token.status === 'active' ? (
              <Button
                size="sm"
                variant="ghost"
                className="btn--danger-text"
                aria-label={t('repos.automation.revokeLabel', { preview: token.preview })}
                onClick={() => {
                  setNotice(null);
                  setTarget(token);
                  setLastTarget(token);
                }}
              >
                {t('repos.automation.revoke')}
              </Button>
            ) : null}
            {groupActions ? (
              <>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={t('repos.automation.reissueLabel', { group: token.task_group_title })}
                  onClick={() => {
                    setNotice(null);
                    actions.askReissue(group);
                  }}
                >
                  {t('repos.automation.reissue')}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  className="btn--danger-text"
                  aria-label={t('repos.automation.closeGroupLabel', { group: token.task_group_title })}
                  onClick={() => {
                    setNotice(null);
                    actions.askClose(group);
                  }}
                >
                  {t('repos.automation.closeGroup')}
                </Button>
              </>
            ) : null}
          </div>
        );
      },
    },
  ];

  const closeRevoke = () => {
    revoke.reset();
    setTarget(null);
  };

  return (
    <div className="page">
      <section className="card section explainer" aria-labelledby="automation-about">
        <h2 id="automation-about">{t('repos.automation.title')}</h2>
        <p>{t('repos.automation.explanation')}</p>
        <p className="muted small">{t('repos.automation.notPats')}</p>
      </section>
      <section className="section" aria-label={t('repos.automation.caption')}>
        <div className="section__header">
          <span />
          <Button size="sm" onClick={() => tokens.refetch()} loading={tokens.isFetching && !tokens.isPending}>
            {t('app.refresh')}
          </Button>
        </div>
        <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
        {stranded.map((token) => (
          <Alert key={token.id} tone="info">
            {t('repos.automation.stranded', { group: token.task_group_title })}
          </Alert>
        ))}
        <QueryTable
          query={tokens}
          errorText={tokens.isError ? errorMessage(tokens.error, t) : null}
          retryLabel={t('app.retry')}
          caption={t('repos.automation.caption')}
          columns={columns}
          rows={tokens.data}
          rowKey={(token) => token.id}
          loadingLabel={t('app.loading')}
          placeholderRows={2}
          rowClassName={(token) => (token.status !== 'active' ? 'table__row--inactive' : undefined)}
          empty={<EmptyState title={t('repos.automation.empty')} />}
        />
      </section>
      <ConfirmDialog
        open={target !== null}
        title={t('repos.automation.revokeTitle')}
        body={t('repos.automation.revokeBody', { group: lastTarget?.task_group_title ?? '' })}
        confirmLabel={t('repos.automation.revokeConfirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        pending={revoke.isPending}
        error={revoke.isError ? errorMessage(revoke.error, t) : undefined}
        onClose={closeRevoke}
        onConfirm={() =>
          target &&
          revoke.mutate(target.id, {
            onSuccess: () => {
              const preview = target.preview;
              closeRevoke();
              setNotice({ text: t('repos.automation.revoked', { preview }) });
            },
          })
        }
      />
      {actions.dialogs}
    </div>
  );
}
