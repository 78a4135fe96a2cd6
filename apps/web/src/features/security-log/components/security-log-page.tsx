import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { type Column, Table } from '../../../components/ui/table.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import type { AuditEvent } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useAuditEvents } from '../api/list-audit-events.ts';

function actionLabel(action: string, t: Translate): string {
  const key = `securityLog.actions.${action.replace(/\./g, '_')}`;
  return isMessageKey(key) ? t(key) : action;
}

function credentialLabel(kind: string | null, t: Translate): string | null {
  if (!kind) return null;
  const key = `securityLog.credentialKinds.${kind}`;
  return isMessageKey(key) ? t('securityLog.via', { kind: t(key) }) : null;
}

export function SecurityLogPage() {
  const t = useT();
  const now = useNow();
  const events = useAuditEvents();
  const rows = events.data?.pages.flatMap((page) => page.events);

  const columns: Column<AuditEvent>[] = [
    {
      key: 'when',
      className: 'col-nowrap',
      header: t('securityLog.when'),
      cell: (event) => <RelativeTime date={event.created_at} now={now} />,
    },
    {
      key: 'event',
      header: t('securityLog.event'),
      className: 'col-name',
      cell: (event) => {
        const via = credentialLabel(event.actor_kind, t);
        return (
          <div className="stack-xs">
            <span className="strong">{actionLabel(event.action, t)}</span>
            {via ? <span className="muted small">{via}</span> : null}
          </div>
        );
      },
    },
    {
      key: 'outcome',
      header: t('securityLog.outcome'),
      cell: (event) =>
        event.outcome === 'success' ? (
          <Chip tone="success">{t('securityLog.success')}</Chip>
        ) : (
          <Chip tone="danger">{t('securityLog.failure')}</Chip>
        ),
    },
    {
      key: 'ip',
      header: t('securityLog.source'),
      cell: (event) =>
        event.ip ? <code className="code">{event.ip}</code> : <span className="muted">{t('app.none')}</span>,
    },
    {
      key: 'details',
      header: t('securityLog.details'),
      cell: (event) => {
        const name = typeof event.metadata.name === 'string' ? event.metadata.name : null;
        const agent = event.user_agent;
        return (
          <div className="stack-xs">
            {name ? <span>{name}</span> : null}
            {agent ? (
              <span className="muted small clamp-1" title={agent}>
                {agent}
              </span>
            ) : null}
            {!name && !agent ? <span className="muted">{t('app.none')}</span> : null}
          </div>
        );
      },
    },
  ];

  return (
    <div className="page">
      <PageHeader title={t('securityLog.title')} description={t('securityLog.intro')} />
      {events.isError && !rows ? (
        <Alert
          tone="danger"
          live="alert"
          action={<Button onClick={() => events.refetch()}>{t('app.retry')}</Button>}
        >
          {errorMessage(events.error, t)}
        </Alert>
      ) : (
        <>
          <Table
            caption={t('securityLog.caption')}
            columns={columns}
            rows={rows}
            rowKey={(event) => event.id}
            loading={events.isPending}
            loadingLabel={t('app.loading')}
            placeholderRows={6}
            rowClassName={(event) => (event.outcome === 'failure' ? 'table__row--alert' : undefined)}
            empty={<EmptyState title={t('securityLog.empty')} />}
          />
          <div className="list-footer">
            {events.isFetchNextPageError ? (
              <Alert tone="danger" live="alert">
                {errorMessage(events.error, t)}
              </Alert>
            ) : null}
            {events.hasNextPage ? (
              <Button onClick={() => events.fetchNextPage()} loading={events.isFetchingNextPage}>
                {t('app.loadMore')}
              </Button>
            ) : rows && rows.length > 0 ? (
              <p className="muted small">{t('securityLog.end')}</p>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}
