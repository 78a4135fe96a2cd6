import { useState } from 'react';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Notice } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { SessionView } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useSessions } from '../api/list-sessions.ts';
import { deviceLabel } from './device-label.ts';
import { RevokeOthersDialog, RevokeSessionDialog } from './session-dialogs.tsx';

type OpenDialog = { kind: 'revoke'; session: SessionView } | { kind: 'revokeOthers' } | null;

export function SessionsPage() {
  const t = useT();
  const now = useNow();
  const sessions = useSessions();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // The last dialog's session stays set while the dialog animates shut, so its text does not blank.
  const [dialogSession, setDialogSession] = useState<SessionView | undefined>();
  const [notice, setNotice] = useState<string | null>(null);

  const close = () => setDialog(null);
  const done = (message: string) => {
    setDialog(null);
    setNotice(message);
  };
  const openRevoke = (session: SessionView) => {
    setNotice(null);
    setDialogSession(session);
    setDialog({ kind: 'revoke', session });
  };

  const others = sessions.data?.filter((session) => !session.current).length ?? 0;
  const columns: Column<SessionView>[] = [
    {
      key: 'device',
      header: t('sessions.table.device'),
      className: 'col-name',
      cell: (session) => (
        <div className="stack-xs">
          <span className="strong">
            {deviceLabel(session, t)}{' '}
            {session.current ? <Chip tone="success">{t('sessions.thisDevice')}</Chip> : null}
          </span>
          <span className="muted small">
            {session.type === 'web'
              ? t('sessions.kind.web')
              : t('sessions.kind.app', { client: session.client_id ?? t('sessions.unknownDevice') })}
          </span>
          {session.user_agent ? (
            <span className="muted small clamp-1" title={session.user_agent}>
              {session.user_agent}
            </span>
          ) : null}
        </div>
      ),
    },
    {
      key: 'signedIn',
      className: 'col-nowrap',
      header: t('sessions.table.signedIn'),
      cell: (session) => <RelativeTime date={session.created_at} now={now} />,
    },
    {
      key: 'lastActive',
      className: 'col-nowrap',
      header: t('sessions.table.lastActive'),
      cell: (session) => (
        <div className="stack-xs">
          {session.current ? (
            <span>{t('sessions.activeNow')}</span>
          ) : session.last_used_at ? (
            <RelativeTime date={session.last_used_at} now={now} />
          ) : (
            <span className="muted">{t('sessions.notUsedYet')}</span>
          )}
          {session.last_used_ip ? (
            <span className="muted small">{t('sessions.table.usedFrom', { ip: session.last_used_ip })}</span>
          ) : null}
        </div>
      ),
    },
    {
      key: 'actions',
      header: t('sessions.table.actions'),
      hideHeader: true,
      className: 'col-actions',
      cell: (session) => (
        <Button
          size="sm"
          variant="ghost"
          className="btn--danger-text"
          aria-label={t('sessions.revokeLabel', { device: deviceLabel(session, t) })}
          onClick={() => openRevoke(session)}
        >
          {t('sessions.revoke')}
        </Button>
      ),
    },
  ];

  return (
    <div className="page">
      <PageHeader
        title={t('sessions.title')}
        description={t('sessions.intro')}
        actions={
          <Button
            variant="ghost"
            className="btn--danger-text"
            disabled={others === 0}
            onClick={() => {
              setNotice(null);
              setDialog({ kind: 'revokeOthers' });
            }}
          >
            {t('sessions.signOutOthers')}
          </Button>
        }
      />
      <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
      <QueryTable
        query={sessions}
        errorText={errorMessage(sessions.error, t)}
        retryLabel={t('app.retry')}
        caption={t('sessions.table.caption')}
        columns={columns}
        rows={sessions.data}
        rowKey={(session) => session.id}
        loadingLabel={t('app.loading')}
        empty={<EmptyState title={t('sessions.empty.title')} description={t('sessions.empty.description')} />}
      />
      <RevokeSessionDialog
        open={dialog?.kind === 'revoke'}
        session={dialogSession}
        onClose={close}
        onDone={done}
      />
      <RevokeOthersDialog open={dialog?.kind === 'revokeOthers'} onClose={close} onDone={done} />
    </div>
  );
}
