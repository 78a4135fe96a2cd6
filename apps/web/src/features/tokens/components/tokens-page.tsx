import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { ActionMenu } from '../../../components/ui/action-menu.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip, type ChipTone } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { Notice } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import { type Column, Table } from '../../../components/ui/table.tsx';
import { type Translate, useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { TokenStatus, TokenView } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { formatDate } from '../../../lib/relative-time.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { useTokens } from '../api/list-tokens.ts';
import { RotatingState } from './rotating-state.tsx';
import { EditTokenDialog, RevokeAllDialog, RevokeTokenDialog, RotateTokenDialog } from './token-dialogs.tsx';
import {
  canHide,
  expiryState,
  isActive,
  matchesFilter,
  sortTokens,
  TOKEN_FILTERS,
  TOKEN_SORTS,
  type TokenFilter,
  type TokenSort,
} from './token-expiry.ts';
import { type RevealedToken, TokenRevealScreen } from './token-reveal-screen.tsx';
import { useHiddenTokens } from './use-hidden-tokens.ts';

const STATUS_TONE: Record<TokenStatus, ChipTone> = {
  active: 'success',
  expired: 'warning',
  revoked: 'neutral',
};

type OpenDialog = { kind: 'edit' | 'rotate' | 'revoke'; token: TokenView } | { kind: 'revokeAll' } | null;

export function TokensPage() {
  const t = useT();
  const now = useNow();
  const tokens = useTokens();
  const policy = useTokenPolicy();
  const [params] = useSearchParams();
  const createdId = params.get('created');
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // The last dialog's token stays set while the dialog animates shut, so its title does not blank.
  const [dialogToken, setDialogToken] = useState<TokenView | undefined>();
  const [notice, setNotice] = useState<string | null>(null);
  const [language] = useLanguage();
  const [filter, setFilter] = useState<TokenFilter>(() => {
    const requested = params.get('filter');
    return TOKEN_FILTERS.find((value) => value === requested) ?? 'all';
  });
  const [sort, setSort] = useState<TokenSort>('created');
  const [highlight, setHighlight] = useState<string | null>(createdId);
  const hidden = useHiddenTokens();
  const [showHidden, setShowHidden] = useState(false);
  // A regenerated token's secret, held here only until the reveal screen is left.
  const [revealed, setRevealed] = useState<RevealedToken | null>(null);
  // A token just generated on the new-token page is named in the notice, as a regenerated one is.
  const createdName = tokens.data?.find((token) => token.id === createdId)?.name;
  useEffect(() => {
    if (createdName) setNotice(t('tokens.reveal.createdNotice', { name: createdName }));
  }, [createdName, t]);

  const open = (kind: 'edit' | 'rotate' | 'revoke', token: TokenView) => {
    setNotice(null);
    setDialogToken(token);
    setDialog({ kind, token });
  };
  const close = () => setDialog(null);
  const done = (message: string) => {
    setDialog(null);
    setNotice(message);
  };

  // A notice's renew link (`?renew=<id>`, GitLab's pattern) opens that token's regenerate dialog once.
  const renewId = params.get('renew');
  const renewOpened = useRef(false);
  useEffect(() => {
    if (!renewId || renewOpened.current || !tokens.data) return;
    const token = tokens.data.find((candidate) => candidate.id === renewId);
    renewOpened.current = true;
    if (token && token.status !== 'revoked') open('rotate', token);
  });

  if (revealed) {
    return (
      <TokenRevealScreen
        title={t('tokens.reveal.rotatedTitle')}
        token={revealed}
        onDone={() => {
          // Back to the list, with the regenerated row marked and named, as a new token's is.
          setHighlight(revealed.id);
          setNotice(t('tokens.reveal.rotatedNotice', { name: revealed.name }));
          setRevealed(null);
        }}
      />
    );
  }

  const activeCount = tokens.data?.filter((token) => token.status === 'active').length ?? 0;
  const visible = tokens.data
    ? sortTokens(
        tokens.data.filter(
          (token) => matchesFilter(token, filter, now) && (showHidden || !hidden.ids.has(token.id)),
        ),
        sort,
        language,
      )
    : undefined;
  const activeRows = visible?.filter((token) => isActive(token, now));
  const inactiveRows = visible?.filter((token) => !isActive(token, now));
  const onlyInactive = Boolean(
    activeRows && inactiveRows && activeRows.length === 0 && inactiveRows.length > 0,
  );
  const hiddenCount = tokens.data?.filter((token) => hidden.ids.has(token.id)).length ?? 0;
  const columns: Column<TokenView>[] = [
    {
      key: 'name',
      header: t('tokens.table.name'),
      className: 'col-name',
      cell: (token) => (
        <div className="stack-xs">
          <Link className="strong" to={`/settings/tokens/${encodeURIComponent(token.id)}`}>
            {token.name}
          </Link>
          <code className="code muted">{token.preview}</code>
          {token.description ? <span className="muted small clamp-2">{token.description}</span> : null}
        </div>
      ),
    },
    {
      key: 'scopes',
      header: t('tokens.table.scopes'),
      cell: (token) => (
        <ul className="chip-list" aria-label={t('tokens.table.scopes')}>
          {token.scopes.map((scope) => (
            <li key={scope}>
              <Chip>{scope}</Chip>
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: 'created',
      className: 'col-nowrap',
      header: t('tokens.table.created'),
      cell: (token) => <RelativeTime date={token.created_at} now={now} />,
    },
    {
      key: 'expires',
      className: 'col-nowrap',
      header: t('tokens.table.expires'),
      cell: (token) => <ExpiryCell token={token} now={now} t={t} language={language} />,
    },
    {
      key: 'lastUsed',
      className: 'col-nowrap',
      header: t('tokens.table.lastUsed'),
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
      header: t('tokens.table.status'),
      cell: (token) => {
        // A token that expires while the page is open says so at once, as its section does.
        const status = isActive(token, now) || token.status === 'revoked' ? token.status : 'expired';
        return (
          <div className="stack-xs">
            <span>
              <Chip tone={STATUS_TONE[status]}>{t(`tokens.status.${status}`)}</Chip>
            </span>
            <RotatingState token={token} />
          </div>
        );
      },
    },
    {
      key: 'actions',
      header: t('tokens.table.actions'),
      hideHeader: true,
      className: 'col-actions col-menu',
      cell: (token) =>
        isActive(token, now) ? (
          <ActionMenu
            label={t('tokens.actions.menu', { name: token.name })}
            items={[
              { label: t('tokens.actions.edit'), onSelect: () => open('edit', token) },
              { label: t('tokens.actions.rotate'), onSelect: () => open('rotate', token) },
              { label: t('tokens.actions.revoke'), onSelect: () => open('revoke', token), tone: 'danger' },
            ]}
          />
        ) : token.status !== 'revoked' ? (
          // An expired token can be regenerated: a new secret with the original lifetime from now.
          <ActionMenu
            label={t('tokens.actions.menu', { name: token.name })}
            items={[
              { label: t('tokens.actions.rotate'), onSelect: () => open('rotate', token) },
              { label: t('tokens.actions.revoke'), onSelect: () => open('revoke', token), tone: 'danger' },
              ...(canHide(token, now)
                ? [
                    hidden.ids.has(token.id)
                      ? { label: t('tokens.inactive.unhide'), onSelect: () => hidden.unhide(token.id) }
                      : { label: t('tokens.inactive.hide'), onSelect: () => hidden.hide(token.id) },
                  ]
                : []),
            ]}
          />
        ) : canHide(token, now) ? (
          hidden.ids.has(token.id) ? (
            <Button
              size="sm"
              variant="ghost"
              aria-label={t('tokens.inactive.unhideNamed', { name: token.name })}
              onClick={() => hidden.unhide(token.id)}
            >
              {t('tokens.inactive.unhide')}
            </Button>
          ) : (
            <Button
              size="sm"
              variant="ghost"
              aria-label={t('tokens.inactive.hideNamed', { name: token.name })}
              onClick={() => hidden.hide(token.id)}
            >
              {t('tokens.inactive.hide')}
            </Button>
          )
        ) : null,
    },
  ];

  return (
    <div className="page">
      <PageHeader
        title={t('tokens.title')}
        description={t('tokens.intro')}
        actions={
          <>
            <Button
              variant="ghost"
              className="btn--danger-text"
              disabled={activeCount === 0}
              onClick={() => {
                setNotice(null);
                setDialog({ kind: 'revokeAll' });
              }}
            >
              {t('tokens.revokeAll')}
            </Button>
            <LinkButton to="/settings/tokens/new" variant="primary">
              {t('tokens.generate')}
            </LinkButton>
          </>
        }
      />
      <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
      {tokens.data && tokens.data.length > 0 ? (
        <div className="log-filters">
          <div className="field">
            <label className="field__label" htmlFor="token-filter">
              {t('tokens.filter.label')}
            </label>
            <select
              id="token-filter"
              className="input select"
              value={filter}
              onChange={(event) => setFilter(event.target.value as TokenFilter)}
            >
              {TOKEN_FILTERS.map((value) => (
                <option key={value} value={value}>
                  {t(`tokens.filter.${value}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="field__label" htmlFor="token-sort">
              {t('tokens.sort.label')}
            </label>
            <select
              id="token-sort"
              className="input select"
              value={sort}
              onChange={(event) => setSort(event.target.value as TokenSort)}
            >
              {TOKEN_SORTS.map((value) => (
                <option key={value} value={value}>
                  {t(`tokens.sort.${value}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      {onlyInactive && (filter === 'expired' || filter === 'revoked') ? null : (
        <QueryTable
          query={tokens}
          errorText={errorMessage(tokens.error, t)}
          retryLabel={t('app.retry')}
          caption={t('tokens.table.caption')}
          columns={columns}
          rows={activeRows}
          rowKey={(token) => token.id}
          loadingLabel={t('app.loading')}
          rowClassName={(token) => (token.id === highlight ? 'table__row--new' : undefined)}
          empty={
            onlyInactive ? (
              // Every token has expired or been revoked: say so, and offer a new one.
              <EmptyState
                title={t('tokens.empty.noActive')}
                action={
                  <LinkButton to="/settings/tokens/new" variant="primary">
                    {t('tokens.generate')}
                  </LinkButton>
                }
              />
            ) : tokens.data && tokens.data.length > 0 ? (
              <EmptyState title={t('tokens.filter.none')} />
            ) : (
              <EmptyState
                title={t('tokens.empty.title')}
                description={t('tokens.empty.description')}
                action={
                  <LinkButton to="/settings/tokens/new" variant="primary">
                    {t('tokens.generate')}
                  </LinkButton>
                }
              />
            )
          }
        />
      )}
      {inactiveRows && (inactiveRows.length > 0 || hiddenCount > 0) ? (
        <section className="stack-sm" aria-labelledby="inactive-tokens">
          <h2 className="section-title" id="inactive-tokens">
            {t('tokens.inactive.title')}
          </h2>
          <p className="muted small">{t('tokens.inactive.intro')}</p>
          {inactiveRows.length > 0 ? (
            <Table
              caption={t('tokens.inactive.title')}
              columns={columns}
              rows={inactiveRows}
              rowKey={(token) => token.id}
              rowClassName={() => 'table__row--inactive'}
            />
          ) : null}
          {hiddenCount > 0 ? (
            <Button size="sm" variant="ghost" onClick={() => setShowHidden((value) => !value)}>
              {showHidden
                ? t('tokens.inactive.hideHidden')
                : t('tokens.inactive.showHidden', { count: hiddenCount })}
            </Button>
          ) : null}
        </section>
      ) : null}
      <EditTokenDialog
        open={dialog?.kind === 'edit'}
        token={dialogToken}
        scopeIds={policy.data?.scopes.map((scope) => scope.id) ?? []}
        onClose={close}
        onDone={done}
      />
      <RotateTokenDialog
        open={dialog?.kind === 'rotate'}
        token={dialogToken}
        onClose={close}
        onRotated={(token) => {
          setDialog(null);
          setRevealed(token);
        }}
      />
      <RevokeTokenDialog open={dialog?.kind === 'revoke'} token={dialogToken} onClose={close} onDone={done} />
      <RevokeAllDialog open={dialog?.kind === 'revokeAll'} onClose={close} onDone={done} />
    </div>
  );
}

function ExpiryCell({
  token,
  now,
  t,
  language,
}: {
  token: TokenView;
  now: Date;
  t: Translate;
  language: string;
}) {
  const state = expiryState(token, now);
  if (!token.expires_at) {
    return <Chip tone="warning">{t('tokens.expiry.none')}</Chip>;
  }
  const date = formatDate(token.expires_at, language);
  if (state === 'expired') {
    return (
      <div className="stack-xs">
        <span className="text-warning">{t('tokens.expiry.expiredOn', { date })}</span>
      </div>
    );
  }
  return (
    <div className="stack-xs">
      <span>{date}</span>
      <span className="muted small">
        <RelativeTime date={token.expires_at} now={now} />
      </span>
      {state === 'imminent' ? <Chip tone="danger">{t('tokens.expiry.imminent')}</Chip> : null}
      {state === 'soon' ? <Chip tone="warning">{t('tokens.expiry.soon')}</Chip> : null}
    </div>
  );
}
