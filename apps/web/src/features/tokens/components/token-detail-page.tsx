import { type FormEvent, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Notice } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { QueryTable } from '../../../components/ui/query-table.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import type { Column } from '../../../components/ui/table.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { RotatedOutUse, Scope, TokenNetwork, TokenView } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { formatDate } from '../../../lib/relative-time.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useToken } from '../api/get-token.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { useTokenUsage } from '../api/get-token-usage.ts';
import { useTokenNetworks } from '../api/list-token-networks.ts';
import { useUpdateToken } from '../api/update-token.ts';
import {
  NetworksField,
  networksError,
  ReplayPolicyField,
  RepoRestrictionField,
  SelfRotationField,
} from './restriction-fields.tsx';
import { limitsRepositories, networksText, parseNetworks, refusedNetworks } from './restrictions.ts';
import { RotatingState } from './rotating-state.tsx';
import { EditTokenDialog, RevokeTokenDialog, RotateTokenDialog } from './token-dialogs.tsx';
import { isActive } from './token-expiry.ts';
import { type RevealedToken, TokenRevealScreen } from './token-reveal-screen.tsx';

type OpenDialog = 'edit' | 'rotate' | 'revoke' | null;

/**
 * One token: what it is, and its controls — least privilege (scopes used against granted),
 * networks (allowed, and those used), repositories, and rotation settings (ADR 0029–0031).
 */
export function TokenDetailPage() {
  const t = useT();
  const { id = '' } = useParams();
  const token = useToken(id);
  const [notice, setNotice] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<RevealedToken | null>(null);

  if (revealed) {
    return (
      <TokenRevealScreen
        title={t('tokens.reveal.rotatedTitle')}
        token={revealed}
        onDone={() => {
          setNotice(t('tokens.detail.rotatedNotice', { name: revealed.name }));
          setRevealed(null);
        }}
      />
    );
  }

  const back = <Link to="/settings/tokens">← {t('tokens.detail.back')}</Link>;
  if (token.isPending) {
    return (
      <div className="page">
        <PageHeader title={t('tokens.detail.title')} back={back} />
        <LoadingBlock label={t('app.loading')} minHeight={480} />
      </div>
    );
  }
  if (token.isError) {
    return (
      <div className="page">
        <PageHeader title={t('tokens.detail.title')} back={back} />
        {hasErrorCode(token.error, 'not_found') ? (
          <EmptyState title={t('tokens.detail.notFound')} />
        ) : (
          <Alert
            tone="danger"
            live="alert"
            action={<Button onClick={() => token.refetch()}>{t('app.retry')}</Button>}
          >
            {errorMessage(token.error, t)}
          </Alert>
        )}
      </div>
    );
  }
  return (
    <TokenDetail
      token={token.data}
      notice={notice}
      setNotice={setNotice}
      onRotated={(rotated) => setRevealed(rotated)}
    />
  );
}

function TokenDetail({
  token,
  notice,
  setNotice,
  onRotated,
}: {
  token: TokenView;
  notice: string | null;
  setNotice: (notice: string | null) => void;
  onRotated: (token: RevealedToken) => void;
}) {
  const t = useT();
  const now = useNow();
  const [language] = useLanguage();
  const policy = useTokenPolicy();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const active = isActive(token, now);
  const changeable = token.status !== 'revoked';
  const status = active || token.status === 'revoked' ? token.status : 'expired';
  const open = (kind: OpenDialog) => {
    setNotice(null);
    setDialog(kind);
  };
  const done = (message: string) => {
    setDialog(null);
    setNotice(message);
  };

  return (
    <div className="page">
      <PageHeader
        title={token.name}
        back={<Link to="/settings/tokens">← {t('tokens.detail.back')}</Link>}
        actions={
          changeable ? (
            <div className="token-detail__actions">
              {active ? <Button onClick={() => open('edit')}>{t('tokens.actions.edit')}</Button> : null}
              <Button onClick={() => open('rotate')}>{t('tokens.actions.rotate')}</Button>
              <Button variant="ghost" className="btn--danger-text" onClick={() => open('revoke')}>
                {t('tokens.actions.revoke')}
              </Button>
            </div>
          ) : null
        }
      />
      <Notice notice={notice} onDismiss={() => setNotice(null)} dismissLabel={t('app.dismiss')} />
      <section className="card section" aria-labelledby="token-details">
        <h2 id="token-details">{t('tokens.detail.title')}</h2>
        <dl className="definition-list">
          <dt>{t('tokens.detail.preview')}</dt>
          <dd>
            <code className="code">{token.preview}</code>
          </dd>
          <dt>{t('tokens.table.status')}</dt>
          <dd className="stack-xs">
            <span>
              <Chip tone={status === 'active' ? 'success' : status === 'expired' ? 'warning' : 'neutral'}>
                {t(`tokens.status.${status}`)}
              </Chip>
            </span>
            <RotatingState token={token} />
          </dd>
          <dt>{t('tokens.table.scopes')}</dt>
          <dd>
            <ul className="chip-list" aria-label={t('tokens.table.scopes')}>
              {token.scopes.map((scope) => (
                <li key={scope}>
                  <Chip>{scope}</Chip>
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t('tokens.restrictions.networks')}</dt>
          <dd>
            {token.allowed_cidrs ? (
              <ul className="chip-list" aria-label={t('tokens.restrictions.networks')}>
                {token.allowed_cidrs.map((cidr) => (
                  <li key={cidr}>
                    <Chip>{cidr}</Chip>
                  </li>
                ))}
              </ul>
            ) : (
              t('tokens.networks.anyNetwork')
            )}
          </dd>
          <dt>{t('tokens.table.created')}</dt>
          <dd>
            <RelativeTime date={token.created_at} now={now} />
          </dd>
          <dt>{t('tokens.table.expires')}</dt>
          <dd>{token.expires_at ? formatDate(token.expires_at, language) : t('tokens.expiry.none')}</dd>
          <dt>{t('tokens.table.lastUsed')}</dt>
          <dd>
            {token.last_used_at ? (
              <span className="stack-sm">
                <RelativeTime date={token.last_used_at} now={now} />
                {token.last_used_ip ? (
                  <span className="muted small">
                    {t('tokens.table.usedFrom', { ip: token.last_used_ip })}
                  </span>
                ) : null}
              </span>
            ) : (
              t('time.neverUsed')
            )}
          </dd>
        </dl>
      </section>
      {changeable ? (
        <>
          <UsageSection token={token} onDone={setNotice} />
          <NetworksSection token={token} onDone={setNotice} />
          <ReposSection token={token} onDone={setNotice} />
          <RotationSection token={token} onDone={setNotice} />
        </>
      ) : (
        <Alert tone="info">{t('tokens.detail.inactive')}</Alert>
      )}
      <EditTokenDialog
        open={dialog === 'edit'}
        token={token}
        scopeIds={policy.data?.scopes.map((scope) => scope.id) ?? []}
        onClose={() => setDialog(null)}
        onDone={done}
      />
      <RotateTokenDialog
        open={dialog === 'rotate'}
        token={token}
        onClose={() => setDialog(null)}
        onRotated={(rotated) => {
          setDialog(null);
          onRotated(rotated);
        }}
      />
      <RevokeTokenDialog
        open={dialog === 'revoke'}
        token={token}
        onClose={() => setDialog(null)}
        onDone={done}
      />
    </div>
  );
}

function SectionSaveError({ error }: { error: unknown }) {
  const t = useT();
  return (
    <Alert tone="danger" live="alert">
      {errorMessage(error, t)}
    </Alert>
  );
}

function UsageSection({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  const usage = useTokenUsage(token.id);
  const update = useUpdateToken();
  return (
    <section className="card section" aria-labelledby="token-usage">
      <h2 id="token-usage">{t('tokens.usage.title')}</h2>
      {usage.isPending ? (
        <LoadingBlock label={t('app.loading')} minHeight={80} />
      ) : usage.isError ? (
        <Alert
          tone="danger"
          live="alert"
          action={<Button onClick={() => usage.refetch()}>{t('app.retry')}</Button>}
        >
          {errorMessage(usage.error, t)}
        </Alert>
      ) : (
        <div className="stack-sm">
          <p>{t('tokens.usage.granted', { scopes: usage.data.granted.join(', ') })}</p>
          <p>
            {usage.data.used.length > 0
              ? t('tokens.usage.used', {
                  scopes: usage.data.used
                    .map((used) => t('tokens.usage.usedItem', { scope: used.scope, count: used.uses }))
                    .join(', '),
                })
              : t('tokens.usage.usedNothing')}
          </p>
          {usage.data.reducible ? (
            <>
              <Button
                variant="primary"
                loading={update.isPending}
                onClick={() => {
                  const scopes = usage.data.suggested_scopes;
                  update.mutate(
                    // The suggestion comes from the server, from scopes it granted.
                    { id: token.id, body: { scopes: scopes as Scope[] } },
                    {
                      onSuccess: (saved) =>
                        onDone(t('tokens.usage.reduced', { name: saved.name, scopes: scopes.join(', ') })),
                    },
                  );
                }}
              >
                {t('tokens.usage.reduce', { scopes: usage.data.suggested_scopes.join(', ') })}
              </Button>
              <p className="muted small">{t('tokens.usage.reduceHint')}</p>
            </>
          ) : (
            <p className="muted small">
              {usage.data.used.length > 0 ? t('tokens.usage.allUsed') : t('tokens.usage.nothingUsed')}
            </p>
          )}
          {update.isError ? <SectionSaveError error={update.error} /> : null}
          <p className="muted small">{t('tokens.usage.lag')}</p>
        </div>
      )}
    </section>
  );
}

function NetworksSection({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  const now = useNow();
  const networks = useTokenNetworks(token.id);
  const restrict = useUpdateToken();
  const used = networks.data?.map((network) => network.network) ?? [];
  const allowed = token.allowed_cidrs ?? [];
  const alreadyRestricted =
    used.length > 0 && allowed.length === used.length && used.every((network) => allowed.includes(network));
  const columns: Column<TokenNetwork>[] = [
    {
      key: 'network',
      header: t('tokens.networks.network'),
      cell: (network) => <code className="code">{network.network}</code>,
    },
    {
      key: 'first',
      header: t('tokens.networks.firstSeen'),
      className: 'col-nowrap',
      cell: (network) => <RelativeTime date={network.first_seen_at} now={now} />,
    },
    {
      key: 'last',
      header: t('tokens.networks.lastSeen'),
      className: 'col-nowrap',
      cell: (network) => <RelativeTime date={network.last_seen_at} now={now} />,
    },
    { key: 'uses', header: t('tokens.networks.uses'), cell: (network) => network.uses },
    {
      key: 'ip',
      header: t('tokens.networks.lastIp'),
      cell: (network) => (network.last_ip ? <code className="code">{network.last_ip}</code> : t('app.none')),
    },
  ];
  return (
    <section className="card section" aria-labelledby="token-networks">
      <h2 id="token-networks">{t('tokens.networks.title')}</h2>
      <AllowedNetworksForm key={allowed.join(' ')} token={token} onDone={onDone} />
      <h3 id="token-networks-used">{t('tokens.networks.used')}</h3>
      <p className="muted small">{t('tokens.networks.usedHint')}</p>
      <QueryTable
        query={networks}
        errorText={errorMessage(networks.error, t)}
        retryLabel={t('app.retry')}
        caption={t('tokens.networks.caption')}
        columns={columns}
        rows={networks.data}
        rowKey={(network) => network.network}
        loadingLabel={t('app.loading')}
        placeholderRows={2}
        empty={<EmptyState title={t('tokens.networks.usedNone')} />}
      />
      {used.length > 0 ? (
        alreadyRestricted ? (
          <p className="muted small">{t('tokens.networks.alreadyRestricted')}</p>
        ) : (
          <div className="stack-sm">
            <Button
              loading={restrict.isPending}
              onClick={() =>
                restrict.mutate(
                  { id: token.id, body: { allowed_cidrs: used } },
                  { onSuccess: (saved) => onDone(t('tokens.networks.restricted', { name: saved.name })) },
                )
              }
            >
              {t('tokens.networks.restrict')}
            </Button>
            <p className="muted small">{t('tokens.networks.restrictHint')}</p>
          </div>
        )
      ) : null}
      {restrict.isError ? <SectionSaveError error={restrict.error} /> : null}
    </section>
  );
}

function AllowedNetworksForm({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  const update = useUpdateToken();
  const [text, setText] = useState(networksText(token.allowed_cidrs));
  const [error, setError] = useState<string | undefined>();
  const ref = useRef<HTMLTextAreaElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cidrs = parseNetworks(text);
    setError(undefined);
    update.mutate(
      { id: token.id, body: { allowed_cidrs: cidrs } },
      {
        onSuccess: (saved) => onDone(t('tokens.networks.saved', { name: saved.name })),
        onError: (failure) => {
          if (!fieldErrorsOf(failure).allowed_cidrs) return;
          setError(networksError(refusedNetworks(failure, cidrs), t));
          ref.current?.focus();
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <NetworksField value={text} onChange={setText} error={error} textareaRef={ref} />
      {update.isError && !error ? <SectionSaveError error={update.error} /> : null}
      <div className="form__actions">
        <Button type="submit" loading={update.isPending}>
          {t('tokens.networks.save')}
        </Button>
      </div>
    </form>
  );
}

function ReposSection({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  return (
    <section className="card section" aria-labelledby="token-repos">
      <h2 id="token-repos">{t('tokens.repos.title')}</h2>
      {limitsRepositories(token.scopes) ? (
        <ReposForm key={(token.repo_ids ?? []).join(' ')} token={token} onDone={onDone} />
      ) : (
        <p className="muted">{t('tokens.repos.notApplicable')}</p>
      )}
    </section>
  );
}

function ReposForm({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  const update = useUpdateToken();
  const [repoIds, setRepoIds] = useState<string[] | null>(token.repo_ids);
  const [error, setError] = useState<string | undefined>();
  const firstRef = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (repoIds !== null && repoIds.length === 0) {
      setError(t('tokens.restrictions.reposRequired'));
      return firstRef.current?.focus();
    }
    setError(undefined);
    update.mutate(
      { id: token.id, body: { repo_ids: repoIds } },
      {
        onSuccess: (saved) => onDone(t('tokens.repos.saved', { name: saved.name })),
        onError: (failure) => {
          if (fieldErrorsOf(failure).repo_ids) setError(t('tokens.restrictions.reposInvalid'));
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <RepoRestrictionField
        value={repoIds}
        onChange={setRepoIds}
        error={error}
        firstRef={firstRef}
        legendHidden
      />
      {update.isError && !error ? <SectionSaveError error={update.error} /> : null}
      <div className="form__actions">
        <Button type="submit" loading={update.isPending}>
          {t('tokens.repos.save')}
        </Button>
      </div>
    </form>
  );
}

function RotationSection({ token, onDone }: { token: TokenView; onDone: (message: string) => void }) {
  const t = useT();
  const update = useUpdateToken();
  const [selfRotation, setSelfRotation] = useState(token.allow_self_rotation);
  const [replay, setReplay] = useState<RotatedOutUse>(token.on_rotated_out_use);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: { allow_self_rotation?: boolean; on_rotated_out_use?: RotatedOutUse } = {};
    if (selfRotation !== token.allow_self_rotation) body.allow_self_rotation = selfRotation;
    if (replay !== token.on_rotated_out_use) body.on_rotated_out_use = replay;
    if (Object.keys(body).length === 0) return onDone(t('tokens.detail.rotationSaved', { name: token.name }));
    update.mutate(
      { id: token.id, body },
      { onSuccess: (saved) => onDone(t('tokens.detail.rotationSaved', { name: saved.name })) },
    );
  };
  return (
    <section className="card section" aria-labelledby="token-rotation">
      <h2 id="token-rotation">{t('tokens.detail.rotationTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <SelfRotationField checked={selfRotation} onChange={setSelfRotation} />
        <ReplayPolicyField value={replay} onChange={setReplay} />
        {update.isError ? <SectionSaveError error={update.error} /> : null}
        <div className="form__actions">
          <Button type="submit" loading={update.isPending}>
            {t('tokens.detail.saveRotation')}
          </Button>
        </div>
      </form>
    </section>
  );
}
