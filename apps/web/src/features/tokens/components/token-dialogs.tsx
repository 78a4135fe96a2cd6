import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input, Textarea } from '../../../components/ui/input.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { Scope, TokenView, UpdateTokenBody } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { formatDate } from '../../../lib/relative-time.ts';
import { useRevokeAllTokens } from '../api/revoke-all-tokens.ts';
import { useRevokeToken } from '../api/revoke-token.ts';
import { useRotateToken } from '../api/rotate-token.ts';
import { useUpdateToken } from '../api/update-token.ts';
import { groupScopes, levelsFromScopes, type ScopeLevel, scopesFromLevels } from './scope-levels.ts';
import { ScopePicker } from './scope-picker.tsx';
import { SecretReveal } from './secret-reveal.tsx';

interface TokenDialogProps {
  token: TokenView | undefined;
  open: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function EditTokenDialog({
  token,
  open,
  onClose,
  onDone,
  scopeIds,
}: TokenDialogProps & { scopeIds: string[] }) {
  const t = useT();
  return (
    <Dialog
      open={open && Boolean(token)}
      onClose={onClose}
      title={t('tokens.edit.title', { name: token?.name ?? '' })}
      closeLabel={t('app.close')}
      size="lg"
    >
      {token ? (
        <EditTokenForm key={token.id} token={token} scopeIds={scopeIds} onClose={onClose} onDone={onDone} />
      ) : null}
    </Dialog>
  );
}

function EditTokenForm({
  token,
  scopeIds,
  onClose,
  onDone,
}: {
  token: TokenView;
  scopeIds: string[];
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const t = useT();
  const update = useUpdateToken();
  // Offer every scope the server knows, plus any the token holds that the server no longer lists.
  const groups = useMemo(
    () => groupScopes([...new Set([...scopeIds, ...token.scopes])]),
    [scopeIds, token.scopes],
  );
  const ceiling = useMemo(() => levelsFromScopes(token.scopes, groups), [token.scopes, groups]);
  const [name, setName] = useState(token.name);
  const [description, setDescription] = useState(token.description ?? '');
  const [levels, setLevels] = useState<Record<string, ScopeLevel>>(ceiling);
  const [errors, setErrors] = useState<Partial<Record<'name' | 'description' | 'scopes', string>>>({});
  // Removing scopes breaks whatever uses the token at once: it is confirmed first, naming them.
  const [confirmRemoval, setConfirmRemoval] = useState<string[] | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const submit = (event: FormEvent | null, confirmed = false) => {
    event?.preventDefault();
    const scopes = scopesFromLevels(levels, groups);
    const found: typeof errors = {};
    if (!name.trim()) found.name = t('errors.fieldRequired');
    if (scopes.length === 0) found.scopes = t('tokens.new.scopesRequired');
    setErrors(found);
    if (found.name) return nameRef.current?.focus();
    if (found.scopes) return;
    const body: UpdateTokenBody = {};
    if (name.trim() !== token.name) body.name = name.trim();
    if ((description.trim() || null) !== token.description) body.description = description.trim() || null;
    const before = scopesFromLevels(ceiling, groups);
    // The ids come from the server's policy list and the token itself, so they are scopes it knows.
    if (scopes.join(' ') !== before.join(' ')) body.scopes = scopes as Scope[];
    if (Object.keys(body).length === 0) return onClose();
    if (body.scopes && !confirmed) {
      const kept = new Set(body.scopes as string[]);
      return setConfirmRemoval(token.scopes.filter((scope) => !kept.has(scope)));
    }
    setConfirmRemoval(null);
    update.mutate(
      { id: token.id, body },
      {
        onSuccess: (saved) => onDone(t('tokens.savedNamed', { name: saved.name })),
        onError: (error) => {
          const fields = fieldErrorsOf(error);
          const server: typeof errors = {};
          if (hasErrorCode(error, 'conflict')) server.name = t('tokens.new.nameTaken');
          if (fields.name) server.name = t('errors.fieldInvalid');
          if (fields.description) server.description = t('errors.fieldInvalid');
          if (fields.scopes) server.scopes = t('tokens.new.scopesRequired');
          setErrors(server);
          if (server.name) nameRef.current?.focus();
        },
      },
    );
  };

  const banner =
    update.isError &&
    !hasErrorCode(update.error, 'conflict') &&
    !hasErrorCode(update.error, 'invalid_request');
  return (
    <form className="form" onSubmit={submit} noValidate>
      {banner ? (
        <Alert tone="danger" live="alert">
          {errorMessage(update.error, t)}
        </Alert>
      ) : null}
      <Input
        ref={nameRef}
        label={t('tokens.edit.name')}
        value={name}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
        data-autofocus
      />
      <Textarea
        label={t('tokens.edit.description')}
        optionalText={t('app.optional')}
        rows={2}
        maxLength={1000}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
      />
      <ScopePicker
        groups={groups}
        value={levels}
        onChange={setLevels}
        ceiling={ceiling}
        legend={t('tokens.edit.scopes')}
        hint={t('tokens.edit.scopesHint')}
        error={errors.scopes}
      />
      {confirmRemoval ? (
        <ConfirmScopeRemoval
          name={name.trim() || token.name}
          removed={confirmRemoval}
          pending={update.isPending}
          onConfirm={() => submit(null, true)}
          onBack={() => setConfirmRemoval(null)}
        />
      ) : (
        <div className="form__actions">
          <Button type="submit" variant="primary" loading={update.isPending}>
            {t('tokens.edit.submit')}
          </Button>
          <Button variant="ghost" onClick={onClose}>
            {t('app.cancel')}
          </Button>
        </div>
      )}
    </form>
  );
}

function ConfirmScopeRemoval({
  name,
  removed,
  pending,
  onConfirm,
  onBack,
}: {
  name: string;
  removed: string[];
  pending: boolean;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  return (
    <div className="alert alert--warning refused-check" role="alert" tabIndex={-1} ref={ref}>
      <div className="alert__body">
        <p className="alert__title">{t('tokens.edit.confirmTitle', { name })}</p>
        <p>{t('tokens.edit.confirmBody', { scopes: removed.join(', ') })}</p>
        <div className="form__actions">
          <Button variant="danger" onClick={onConfirm} loading={pending}>
            {t('tokens.edit.confirmSubmit')}
          </Button>
          <Button variant="ghost" onClick={onBack} disabled={pending}>
            {t('tokens.edit.confirmBack')}
          </Button>
        </div>
      </div>
    </div>
  );
}

/** Confirm, then show the new secret once. Closing drops the secret from memory. */
/**
 * The expiry the regenerated token will have: the server keeps the original lifetime, counted
 * from now (tokens.service rotateToken), so the date is known before the user confirms.
 */
function rotatedExpiryText(token: TokenView, t: ReturnType<typeof useT>, language: string): string {
  if (!token.expires_at) return t('tokens.rotate.noExpiry');
  const lifetime = new Date(token.expires_at).getTime() - new Date(token.created_at).getTime();
  return t('tokens.rotate.newExpiry', { date: formatDate(new Date(Date.now() + lifetime), language) });
}

export function RotateTokenDialog({ token, open, onClose }: Omit<TokenDialogProps, 'onDone'>) {
  const t = useT();
  const [language] = useLanguage();
  const rotate = useRotateToken();
  const [revealed, setRevealed] = useState<{ name: string; secret: string } | null>(null);

  const close = () => {
    setRevealed(null);
    rotate.reset();
    onClose();
  };

  if (revealed) {
    return (
      <Dialog
        open={open}
        onClose={close}
        title={t('tokens.reveal.rotatedTitle')}
        dismissible={false}
        size="lg"
        footer={
          <Button variant="primary" onClick={close}>
            {t('tokens.reveal.done')}
          </Button>
        }
      >
        <SecretReveal tokenName={revealed.name} secret={revealed.secret} />
      </Dialog>
    );
  }
  return (
    <Dialog
      open={open && Boolean(token)}
      onClose={close}
      title={t('tokens.rotate.title', { name: token?.name ?? '' })}
      description={
        <>
          <p>{t('tokens.rotate.body')}</p>
          {token ? <p className="strong">{rotatedExpiryText(token, t, language)}</p> : null}
        </>
      }
      closeLabel={t('app.close')}
      dismissible={!rotate.isPending}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={rotate.isPending}>
            {t('app.cancel')}
          </Button>
          <Button
            variant="primary"
            loading={rotate.isPending}
            onClick={() =>
              token &&
              rotate.mutate(token.id, {
                onSuccess: (result) => {
                  setRevealed({ name: result.token.name, secret: result.secret });
                  rotate.reset();
                },
              })
            }
          >
            {t('tokens.rotate.confirm')}
          </Button>
        </>
      }
    >
      {rotate.isError ? (
        <Alert tone="danger" live="alert">
          {errorMessage(rotate.error, t)}
        </Alert>
      ) : null}
    </Dialog>
  );
}

export function RevokeTokenDialog({ token, open, onClose, onDone }: TokenDialogProps) {
  const t = useT();
  const revoke = useRevokeToken();
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Dialog
      open={open && Boolean(token)}
      onClose={close}
      title={t('tokens.revoke.title', { name: token?.name ?? '' })}
      description={t('tokens.revoke.body')}
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
              token &&
              revoke.mutate(token.id, {
                onSuccess: () => {
                  revoke.reset();
                  onDone(t('tokens.revoke.done', { name: token.name }));
                },
              })
            }
          >
            {t('tokens.revoke.confirm')}
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
  );
}

export function RevokeAllDialog({ open, onClose, onDone }: Omit<TokenDialogProps, 'token'>) {
  const t = useT();
  const revokeAll = useRevokeAllTokens();
  const close = () => {
    revokeAll.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('tokens.revokeAllDialog.title')}
      description={t('tokens.revokeAllDialog.body')}
      closeLabel={t('app.close')}
      size="sm"
      dismissible={!revokeAll.isPending}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={revokeAll.isPending} data-autofocus>
            {t('app.cancel')}
          </Button>
          <Button
            variant="danger"
            loading={revokeAll.isPending}
            onClick={() =>
              revokeAll.mutate(undefined, {
                onSuccess: ({ revoked }) => {
                  revokeAll.reset();
                  onDone(t('tokens.revokeAllDialog.done', { count: revoked }));
                },
              })
            }
          >
            {t('tokens.revokeAllDialog.confirm')}
          </Button>
        </>
      }
    >
      {revokeAll.isError ? (
        <Alert tone="danger" live="alert">
          {errorMessage(revokeAll.error, t)}
        </Alert>
      ) : null}
    </Dialog>
  );
}
