import { useState } from 'react';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { type Column, Table } from '../../../components/ui/table.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { AutomationToken, TokenStatus } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useAutomationTokens } from '../api/list-automation-tokens.ts';
import { useTaskGroups } from '../api/list-task-groups.ts';
import { useRevokeAutomationToken } from '../api/revoke-automation-token.ts';
import { useCurrentRepo } from './repo-layout.tsx';
import { taskGroupStatus } from './repo-overview.tsx';

const STATUS_TONE: Record<TokenStatus, ChipTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'neutral',
};

/** The repository's automation tokens: what they are, which task group holds each, and a way to revoke one. */
export function RepoCredentials() {
  const t = useT();
  const now = useNow();
  const repo = useCurrentRepo();
  const tokens = useAutomationTokens(repo.id);
  const groups = useTaskGroups(repo.id);
  const revoke = useRevokeAutomationToken(repo.id);
  const [target, setTarget] = useState<AutomationToken | null>(null);
  const [lastTarget, setLastTarget] = useState<AutomationToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const groupById = new Map((groups.data ?? []).map((group) => [group.id, group]));
  const groupTitle = (token: AutomationToken) => groupById.get(token.task_group_id)?.title ?? token.name;

  const columns: Column<AutomationToken>[] = [
    {
      key: 'group',
      header: t('repos.automation.taskGroup'),
      className: 'col-name',
      cell: (token) => {
        const group = groupById.get(token.task_group_id);
        return (
          <div className="stack-xs">
            <span className="strong">{groupTitle(token)}</span>
            {group ? (
              <span>
                <Chip tone={taskGroupStatus(group.status, t).tone}>
                  {taskGroupStatus(group.status, t).label}
                </Chip>
              </span>
            ) : null}
          </div>
        );
      },
    },
    {
      key: 'token',
      header: t('repos.automation.token'),
      cell: (token) => <code className="code">{token.preview}</code>,
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
      cell: (token) =>
        token.status === 'active' ? (
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
        ) : null,
    },
  ];

  const close = () => {
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
        <div className="notice-slot" aria-live="polite">
          {notice ? <Alert tone="success">{notice}</Alert> : null}
        </div>
        {tokens.isError ? (
          <Alert
            tone="danger"
            live="alert"
            action={<Button onClick={() => tokens.refetch()}>{t('app.retry')}</Button>}
          >
            {errorMessage(tokens.error, t)}
          </Alert>
        ) : (
          <Table
            caption={t('repos.automation.caption')}
            columns={columns}
            rows={tokens.data}
            rowKey={(token) => token.id}
            loading={tokens.isPending}
            loadingLabel={t('app.loading')}
            placeholderRows={2}
            rowClassName={(token) => (token.status !== 'active' ? 'table__row--inactive' : undefined)}
            empty={<EmptyState title={t('repos.automation.empty')} />}
          />
        )}
      </section>
      <Dialog
        open={target !== null}
        onClose={close}
        title={t('repos.automation.revokeTitle')}
        description={t('repos.automation.revokeBody', { group: lastTarget ? groupTitle(lastTarget) : '' })}
        closeLabel={t('app.close')}
        size="sm"
        dismissible={!revoke.isPending}
        footer={
          <>
            <Button variant="ghost" onClick={close} disabled={revoke.isPending} data-autofocus>
              {t('app.cancel')}
            </Button>
            <Button
              variant="danger"
              loading={revoke.isPending}
              onClick={() =>
                target &&
                revoke.mutate(target.id, {
                  onSuccess: () => {
                    const preview = target.preview;
                    close();
                    setNotice(t('repos.automation.revoked', { preview }));
                  },
                })
              }
            >
              {t('repos.automation.revokeConfirm')}
            </Button>
          </>
        }
      >
        {revoke.isError ? (
          <Alert tone="danger" live="alert">
            {errorMessage(revoke.error, t)}
          </Alert>
        ) : null}
      </Dialog>
    </div>
  );
}
