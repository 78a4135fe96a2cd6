import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ActionError } from '../../../components/ui/action-error.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input, Textarea } from '../../../components/ui/input.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { RotatedOutUse, Scope, TokenView, UpdateTokenBody } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { addDays, formatDate } from '../../../lib/relative-time.ts';
import { useLastRotation } from '../api/get-last-rotation.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { useRevokeAllTokens } from '../api/revoke-all-tokens.ts';
import { useRevokeToken } from '../api/revoke-token.ts';
import { useRotateToken } from '../api/rotate-token.ts';
import { useUpdateToken } from '../api/update-token.ts';
import { ExpiryField } from './expiry-field.tsx';
import {
  type ExpiryChoice,
  type ExpiryPolicy,
  expiresInDaysOf,
  expiryChoices,
  lifetimeDays,
  regenerateDefaultChoice,
} from './expiry-options.ts';
import { ReplayPolicyField } from './restriction-fields.tsx';
import { overlapChoices } from './restrictions.ts';
import { groupScopes, levelsFromScopes, type ScopeLevel, scopesFromLevels } from './scope-levels.ts';
import { ScopePicker } from './scope-picker.tsx';
import type { RevealedToken } from './token-reveal-screen.tsx';

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

/**
 * Regenerate: choose the new expiry (by default the lifetime the token has, counted from now),
 * see the date it gives, confirm. The new secret is handed to `onRotated`, which shows it on the
 * same reveal screen as a new token's; the mutation keeps no copy.
 */
export function RotateTokenDialog({
  token,
  open,
  onClose,
  onRotated,
}: Omit<TokenDialogProps, 'onDone'> & { onRotated: (token: RevealedToken) => void }) {
  const t = useT();
  const rotate = useRotateToken();
  const update = useUpdateToken();
  const close = () => {
    rotate.reset();
    update.reset();
    onClose();
  };
  const formId = useId();
  const pending = rotate.isPending || update.isPending;
  const failure = update.isError ? update.error : rotate.isError ? rotate.error : null;
  return (
    <Dialog
      open={open && Boolean(token)}
      onClose={close}
      title={t('tokens.rotate.title', { name: token?.name ?? '' })}
      description={t('tokens.rotate.body')}
      closeLabel={t('app.close')}
      dismissible={!pending}
      footer={
        <>
          <Button variant="ghost" onClick={close} disabled={pending}>
            {t('app.cancel')}
          </Button>
          <Button type="submit" form={formId} variant="primary" loading={pending}>
            {t('tokens.rotate.confirm')}
          </Button>
        </>
      }
    >
      {token && open ? (
        <RotateTokenForm
          key={token.id}
          formId={formId}
          token={token}
          error={failure ? errorMessage(failure, t) : undefined}
          onSubmit={async ({ expiresInDays, overlapMinutes, replay }) => {
            update.reset();
            rotate.reset();
            // The replay policy is a setting of the token (PATCH), saved before the rotation that
            // creates the secret it will guard.
            if (replay !== token.on_rotated_out_use) {
              try {
                await update.mutateAsync({ id: token.id, body: { on_rotated_out_use: replay } });
              } catch {
                return;
              }
            }
            rotate.mutate(
              { id: token.id, expires_in_days: expiresInDays, overlap_minutes: overlapMinutes },
              {
                onSuccess: (result) => {
                  // Drop the mutation's own copy of the answer (and so of the secret) at once.
                  rotate.reset();
                  onRotated({ id: result.token.id, name: result.token.name, secret: result.secret });
                },
              },
            );
          }}
        />
      ) : null}
    </Dialog>
  );
}

interface RotateChoice {
  expiresInDays: number | null;
  /** Minutes the old secret may overlap the new one (until its first use); `null`: none. */
  overlapMinutes: number | null;
  replay: RotatedOutUse;
}

function RotateTokenForm({
  formId,
  token,
  error,
  onSubmit,
}: {
  formId: string;
  token: TokenView;
  error: string | undefined;
  onSubmit: (choice: RotateChoice) => void;
}) {
  const t = useT();
  const [language] = useLanguage();
  const policy = useTokenPolicy();
  const lastRotation = useLastRotation(token.id);
  if (policy.isPending || lastRotation.isPending) return <Spinner label={t('app.loading')} />;
  if (policy.isError) {
    return (
      <Alert tone="danger" live="alert">
        {errorMessage(policy.error, t)}
      </Alert>
    );
  }
  // Without the security log the lifetime is counted from creation: right unless regenerated.
  const lifetime = lifetimeDays(token, lastRotation.data);
  return (
    <RotateExpiryForm
      formId={formId}
      policy={policy.data}
      replayPolicy={token.on_rotated_out_use}
      lifetime={lifetime}
      error={error}
      language={language}
      onSubmit={onSubmit}
    />
  );
}

function RotateExpiryForm({
  formId,
  policy,
  replayPolicy,
  lifetime,
  error,
  language,
  onSubmit,
}: {
  formId: string;
  policy: ExpiryPolicy & { max_overlap_minutes: number };
  replayPolicy: RotatedOutUse;
  lifetime: number | null;
  error: string | undefined;
  language: string;
  onSubmit: (choice: RotateChoice) => void;
}) {
  const t = useT();
  const overlapId = useId();
  const deadlines = overlapChoices(policy.max_overlap_minutes);
  const [overlap, setOverlap] = useState(false);
  const [deadline, setDeadline] = useState(() => String(deadlines.includes(60) ? 60 : deadlines[0]));
  const [replay, setReplay] = useState<RotatedOutUse>(replayPolicy);
  const choices = expiryChoices(policy, lifetime);
  const [choice, setChoice] = useState<ExpiryChoice>(() => regenerateDefaultChoice(policy, lifetime));
  const [customDate, setCustomDate] = useState('');
  const [invalid, setInvalid] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const now = new Date();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const days = expiresInDaysOf(choice, customDate, now, policy.max_lifetime_days);
    setInvalid(days === 'invalid');
    if (days === 'invalid') return (choice === 'custom' ? dateRef : selectRef).current?.focus();
    onSubmit({ expiresInDays: days, overlapMinutes: overlap ? Number(deadline) : null, replay });
  };

  return (
    <form id={formId} className="form" onSubmit={submit} noValidate>
      <ExpiryField
        choices={choices}
        value={choice}
        onChange={(value) => {
          setChoice(value);
          setInvalid(false);
        }}
        customDate={customDate}
        onCustomDateChange={setCustomDate}
        maxLifetimeDays={policy.max_lifetime_days}
        now={now}
        previousDays={lifetime}
        describeDate={(date) => t('tokens.rotate.newExpiry', { date })}
        error={
          invalid
            ? t('tokens.new.expiryDateInvalid', {
                date: formatDate(addDays(now, policy.max_lifetime_days), language),
              })
            : undefined
        }
        selectRef={selectRef}
        dateRef={dateRef}
      />
      <fieldset className="stack-sm">
        <legend className="field__label">{t('tokens.rotate.overlap')}</legend>
        <label className="checkbox">
          <input
            type="radio"
            name={`${overlapId}-overlap`}
            checked={!overlap}
            onChange={() => setOverlap(false)}
          />
          {t('tokens.rotate.overlapNone')}
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name={`${overlapId}-overlap`}
            checked={overlap}
            onChange={() => setOverlap(true)}
          />
          {t('tokens.rotate.overlapUntilFirstUse')}
        </label>
        {overlap ? (
          <Select
            label={t('tokens.rotate.overlapDeadline')}
            hint={t('tokens.rotate.overlapDeadlineHint')}
            value={deadline}
            onChange={(event) => setDeadline(event.target.value)}
            options={deadlines.map((minutes) => ({
              value: String(minutes),
              label:
                minutes === 60
                  ? t('tokens.rotate.oneHour')
                  : minutes % 60 === 0
                    ? t('tokens.rotate.hours', { hours: minutes / 60 })
                    : t('tokens.rotate.minutes', { minutes }),
            }))}
          />
        ) : null}
      </fieldset>
      <ReplayPolicyField value={replay} onChange={setReplay} />
      {error ? <ActionError message={error} /> : null}
    </form>
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
    <ConfirmDialog
      open={open && Boolean(token)}
      onClose={close}
      title={t('tokens.revoke.title', { name: token?.name ?? '' })}
      body={t('tokens.revoke.body')}
      confirmLabel={t('tokens.revoke.confirm')}
      cancelLabel={t('app.cancel')}
      closeLabel={t('app.close')}
      pending={revoke.isPending}
      error={revoke.isError ? errorMessage(revoke.error, t) : undefined}
      onConfirm={() =>
        token &&
        revoke.mutate(token.id, {
          onSuccess: () => {
            revoke.reset();
            onDone(t('tokens.revoke.done', { name: token.name }));
          },
        })
      }
    />
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
    <ConfirmDialog
      open={open}
      onClose={close}
      title={t('tokens.revokeAllDialog.title')}
      body={t('tokens.revokeAllDialog.body')}
      confirmLabel={t('tokens.revokeAllDialog.confirm')}
      cancelLabel={t('app.cancel')}
      closeLabel={t('app.close')}
      pending={revokeAll.isPending}
      error={revokeAll.isError ? errorMessage(revokeAll.error, t) : undefined}
      onConfirm={() =>
        revokeAll.mutate(undefined, {
          onSuccess: ({ revoked }) => {
            revokeAll.reset();
            onDone(t('tokens.revokeAllDialog.done', { count: revoked }));
          },
        })
      }
    />
  );
}
