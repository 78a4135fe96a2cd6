import { useState } from 'react';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import type { AuditAction } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { collectAuditEvents, useAuditEvents } from '../api/list-audit-events.ts';
import { useTargetNames } from '../api/list-target-names.ts';
import { AUDIT_ACTIONS } from './audit-actions.ts';
import { type DescribedEvent, download, toCsv, toJson } from './audit-export.ts';
import { ACTION_GROUPS, type ActionGroup, actionKey, describeEvent, groupOf } from './describe-event.ts';

function credentialLabel(kind: string | null, t: Translate): string | null {
  if (!kind) return null;
  const key = `securityLog.credentialKinds.${kind}`;
  return isMessageKey(key) ? t('securityLog.via', { kind: t(key) }) : null;
}

/** `group:tokens` → every token action; `token.created` → that action; '' → all. */
function actionsFor(choice: string): string {
  if (choice.startsWith('group:')) {
    const group = choice.slice(6) as ActionGroup;
    return AUDIT_ACTIONS.filter((action) => groupOf(action) === group).join(',');
  }
  return choice;
}

export function SecurityLogPage() {
  const t = useT();
  const now = useNow();
  const [actionChoice, setActionChoice] = useState('');
  const [targetId, setTargetId] = useState('');
  const filter = { action: actionsFor(actionChoice), targetId };
  const events = useAuditEvents(filter);
  const { names, tokens } = useTargetNames();
  const [exporting, setExporting] = useState<'csv' | 'json' | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const rows = events.data?.pages
    .flatMap((page) => page.events)
    .map((event) => describeEvent(event, names, t));

  const exportAs = async (format: 'csv' | 'json') => {
    setExporting(format);
    setExportError(null);
    try {
      const all = (await collectAuditEvents(filter)).map((event) => describeEvent(event, names, t));
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'csv')
        download(`tessera-security-log-${stamp}.csv`, 'text/csv;charset=utf-8', toCsv(all));
      else download(`tessera-security-log-${stamp}.json`, 'application/json', toJson(all));
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(null);
    }
  };

  const columns: Column<DescribedEvent>[] = [
    {
      key: 'when',
      className: 'col-nowrap',
      header: t('securityLog.when'),
      cell: ({ event }) => <RelativeTime date={event.created_at} now={now} />,
    },
    {
      key: 'event',
      header: t('securityLog.event'),
      className: 'col-name',
      cell: ({ event, label, target, change }) => {
        const via = credentialLabel(event.actor_kind, t);
        return (
          <div className="stack-xs">
            <span className="strong">{label}</span>
            {target ? <span>{t('securityLog.target', { target })}</span> : null}
            {change ? <span className="small">{change}</span> : null}
            {via ? <span className="muted small">{via}</span> : null}
          </div>
        );
      },
    },
    {
      key: 'outcome',
      header: t('securityLog.outcome'),
      cell: ({ event }) =>
        event.outcome === 'success' ? (
          <Chip tone="success">{t('securityLog.success')}</Chip>
        ) : (
          <Chip tone="danger">{t('securityLog.failure')}</Chip>
        ),
    },
    {
      key: 'ip',
      header: t('securityLog.source'),
      cell: ({ event }) =>
        event.ip ? <code className="code">{event.ip}</code> : <span className="muted">{t('app.none')}</span>,
    },
    {
      key: 'details',
      header: t('securityLog.details'),
      cell: ({ event }) =>
        event.user_agent ? (
          <span className="muted small clamp-1" title={event.user_agent}>
            {event.user_agent}
          </span>
        ) : (
          <span className="muted">{t('app.none')}</span>
        ),
    },
  ];

  const groups = Object.keys(ACTION_GROUPS) as ActionGroup[];
  return (
    <div className="page">
      <PageHeader
        title={t('securityLog.title')}
        description={t('securityLog.intro')}
        actions={
          <>
            <Button
              onClick={() => exportAs('csv')}
              loading={exporting === 'csv'}
              disabled={exporting !== null}
            >
              {t('securityLog.export.csv')}
            </Button>
            <Button
              onClick={() => exportAs('json')}
              loading={exporting === 'json'}
              disabled={exporting !== null}
            >
              {t('securityLog.export.json')}
            </Button>
          </>
        }
      />
      {exportError ? (
        <Alert tone="danger" live="alert">
          {t('securityLog.export.failed', { reason: errorMessage(exportError, t) })}
        </Alert>
      ) : null}
      <search className="log-filters" aria-label={t('securityLog.filters.label')}>
        <div className="field">
          <label className="field__label" htmlFor="audit-action">
            {t('securityLog.filters.action')}
          </label>
          <select
            id="audit-action"
            className="input select"
            value={actionChoice}
            onChange={(event) => setActionChoice(event.target.value)}
          >
            <option value="">{t('securityLog.filters.allActions')}</option>
            {groups.map((group) => (
              <optgroup key={group} label={t(`securityLog.groups.${group}`)}>
                <option value={`group:${group}`}>
                  {t('securityLog.filters.allInGroup', { group: t(`securityLog.groups.${group}`) })}
                </option>
                {AUDIT_ACTIONS.filter((action) => groupOf(action) === group).map((action: AuditAction) => (
                  <option key={action} value={action}>
                    {t(`securityLog.actions.${actionKey(action)}`)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="audit-token">
            {t('securityLog.filters.token')}
          </label>
          <select
            id="audit-token"
            className="input select"
            value={targetId}
            onChange={(event) => setTargetId(event.target.value)}
          >
            <option value="">{t('securityLog.filters.allTokens')}</option>
            {tokens.map((token) => (
              <option key={token.id} value={token.id}>
                {token.name}
              </option>
            ))}
          </select>
        </div>
        {actionChoice || targetId ? (
          <Button
            variant="ghost"
            onClick={() => {
              setActionChoice('');
              setTargetId('');
            }}
          >
            {t('securityLog.filters.clear')}
          </Button>
        ) : null}
      </search>
      <QueryTable
        query={events}
        errorText={errorMessage(events.error, t)}
        retryLabel={t('app.retry')}
        caption={t('securityLog.caption')}
        columns={columns}
        rows={rows}
        rowKey={({ event }) => event.id}
        loadingLabel={t('app.loading')}
        placeholderRows={6}
        rowClassName={({ event }) => (event.outcome === 'failure' ? 'table__row--alert' : undefined)}
        empty={
          <EmptyState
            title={actionChoice || targetId ? t('securityLog.emptyFiltered') : t('securityLog.empty')}
          />
        }
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
    </div>
  );
}
