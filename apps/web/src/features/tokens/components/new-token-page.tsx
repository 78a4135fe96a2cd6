import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate } from 'react-router';
import { ActionError } from '../../../components/ui/action-error.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Input, Textarea } from '../../../components/ui/input.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { CreateTokenBody, Scope } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { clearDraftUnlessExpired, saveDraft, takeDraftAfterExpiry } from '../../../lib/form-draft.ts';
import { addDays, daysUntilDate, formatDate, toDateInputValue } from '../../../lib/relative-time.ts';
import { useCreateToken } from '../api/create-token.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { defaultExpiryChoice, type ExpiryChoice, expiryChoices } from './expiry-options.ts';
import { groupScopes, type ScopeLevel, scopesFromLevels } from './scope-levels.ts';
import { ScopePicker } from './scope-picker.tsx';
import { SecretReveal } from './secret-reveal.tsx';

interface Created {
  id: string;
  name: string;
  secret: string;
}

type FormErrors = Partial<Record<'name' | 'description' | 'scopes' | 'expiry', string>>;

export function NewTokenPage() {
  const t = useT();
  const navigate = useNavigate();
  const policy = useTokenPolicy();
  const create = useCreateToken();
  // The secret is held here, and only until the person leaves the reveal.
  const [created, setCreated] = useState<Created | null>(null);
  const revealHeading = useRef<HTMLDivElement>(null);
  // Leaving the reveal loses the secret for good: in-app navigation asks first, a reload or a
  // closed tab gets the browser's own question.
  const leaving = useRef(false);
  const blocker = useBlocker(() => created !== null && !leaving.current);
  useEffect(() => {
    if (!created) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [created]);

  useEffect(() => {
    if (created) revealHeading.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [created]);

  if (created) {
    const done = () => {
      const id = created.id;
      leaving.current = true;
      setCreated(null);
      navigate(`/settings/tokens?created=${encodeURIComponent(id)}`);
    };
    return (
      <div className="page page--narrow" ref={revealHeading}>
        <PageHeader title={t('tokens.reveal.title')} />
        <div className="card">
          <SecretReveal tokenName={created.name} secret={created.secret} />
          <div className="form__actions">
            <Button variant="primary" onClick={done}>
              {t('tokens.reveal.doneBack')}
            </Button>
          </div>
        </div>
        <ConfirmDialog
          open={blocker.state === 'blocked'}
          title={t('tokens.reveal.leaveTitle')}
          body={t('tokens.reveal.leaveBody', { name: created.name })}
          confirmLabel={t('tokens.reveal.leaveConfirm')}
          cancelLabel={t('tokens.reveal.leaveStay')}
          closeLabel={t('app.close')}
          onConfirm={() => {
            leaving.current = true;
            blocker.proceed?.();
          }}
          onClose={() => blocker.reset?.()}
        />
      </div>
    );
  }

  return (
    <div className="page page--narrow">
      <PageHeader
        title={t('tokens.new.title')}
        back={<Link to="/settings/tokens">← {t('tokens.new.back')}</Link>}
      />
      {policy.isPending ? (
        <LoadingBlock label={t('app.loading')} minHeight={480} />
      ) : policy.isError ? (
        <Alert
          tone="danger"
          live="alert"
          action={<Button onClick={() => policy.refetch()}>{t('app.retry')}</Button>}
        >
          {errorMessage(policy.error, t)}
        </Alert>
      ) : (
        <NewTokenForm
          policy={policy.data}
          submitting={create.isPending}
          serverError={create.error}
          onSubmit={(body, onFieldErrors) =>
            create.mutate(body, {
              onSuccess: (result) => {
                setCreated({ id: result.token.id, name: result.token.name, secret: result.secret });
                // Drop the mutation's own copy of the answer (and so of the secret) at once.
                create.reset();
              },
              onError: (error) => onFieldErrors(error),
            })
          }
        />
      )}
    </div>
  );
}

interface NewTokenFormProps {
  policy: {
    max_lifetime_days: number;
    require_expiry: boolean;
    default_lifetime_days: number;
    scopes: { id: string }[];
  };
  submitting: boolean;
  serverError: unknown;
  onSubmit: (body: CreateTokenBody, onError: (error: unknown) => void) => void;
}

interface Draft {
  name: string;
  description: string;
  expiry: ExpiryChoice;
  customDate: string;
  levels: Record<string, ScopeLevel>;
}

const DRAFT_KEY = 'new-token';

function NewTokenForm({ policy, submitting, serverError, onSubmit }: NewTokenFormProps) {
  const t = useT();
  const [language] = useLanguage();
  const groups = useMemo(() => groupScopes(policy.scopes.map((scope) => scope.id)), [policy.scopes]);
  const choices = expiryChoices(policy);
  const [restored] = useState(() => takeDraftAfterExpiry<Draft>(DRAFT_KEY));
  const [name, setName] = useState(restored?.name ?? '');
  const [description, setDescription] = useState(restored?.description ?? '');
  const [expiry, setExpiry] = useState<ExpiryChoice>(() =>
    restored && choices.includes(restored.expiry) ? restored.expiry : defaultExpiryChoice(policy),
  );
  const [customDate, setCustomDate] = useState(restored?.customDate ?? '');
  const [levels, setLevels] = useState<Record<string, ScopeLevel>>(restored?.levels ?? {});
  useEffect(() => {
    saveDraft(DRAFT_KEY, { name, description, expiry, customDate, levels } satisfies Draft);
  }, [name, description, expiry, customDate, levels]);
  useEffect(() => () => clearDraftUnlessExpired(DRAFT_KEY), []);
  const [errors, setErrors] = useState<FormErrors>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const expiryRef = useRef<HTMLSelectElement>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const scopesRef = useRef<HTMLDivElement>(null);

  const now = new Date();
  const minDate = toDateInputValue(addDays(now, 1));
  const maxDate = toDateInputValue(addDays(now, policy.max_lifetime_days));

  const expiresInDays = (): number | null | 'invalid' => {
    if (expiry === 'none') return null;
    if (expiry === 'custom') {
      const days = daysUntilDate(customDate, now);
      return days === null || days < 1 || days > policy.max_lifetime_days ? 'invalid' : days;
    }
    return Number(expiry);
  };
  const days = expiresInDays();
  const expiryNote =
    days === null || days === 'invalid'
      ? undefined
      : t('tokens.new.expiryOn', { date: formatDate(addDays(now, days), language) });

  const focusFirst = (found: FormErrors) => {
    if (found.name) nameRef.current?.focus();
    else if (found.expiry) (expiry === 'custom' ? dateRef : expiryRef).current?.focus();
    else if (found.scopes)
      scopesRef.current?.querySelector<HTMLInputElement>('input:not([disabled])')?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const scopes = scopesFromLevels(levels, groups);
    const found: FormErrors = {};
    if (!name.trim()) found.name = t('errors.fieldRequired');
    if (days === 'invalid') {
      found.expiry = t('tokens.new.expiryDateInvalid', {
        date: formatDate(addDays(now, policy.max_lifetime_days), language),
      });
    }
    if (scopes.length === 0) found.scopes = t('tokens.new.scopesRequired');
    setErrors(found);
    if (Object.keys(found).length > 0 || days === 'invalid') return focusFirst(found);
    onSubmit(
      // The ids come from the server's own policy list, so they are scopes it knows.
      {
        name: name.trim(),
        description: description.trim() || null,
        scopes: scopes as Scope[],
        expires_in_days: days,
      },
      (error) => {
        const server: FormErrors = {};
        const fields = fieldErrorsOf(error);
        if (hasErrorCode(error, 'conflict')) server.name = t('tokens.new.nameTaken');
        if (fields.name) server.name = t('errors.fieldInvalid');
        if (fields.description) server.description = t('errors.fieldInvalid');
        if (fields.scopes) server.scopes = t('tokens.new.scopesRequired');
        if (fields.expires_in_days || hasErrorCode(error, 'policy_violation')) {
          server.expiry = t('tokens.new.expiryMax', { days: policy.max_lifetime_days });
        }
        setErrors(server);
        focusFirst(server);
      },
    );
  };

  const bannerShown =
    serverError && !hasErrorCode(serverError, 'conflict') && !hasErrorCode(serverError, 'invalid_request');
  return (
    <form className="card form" onSubmit={submit} noValidate>
      {restored ? (
        <Alert tone="info" live="status">
          {t('tokens.new.restored')}
        </Alert>
      ) : null}
      <Input
        ref={nameRef}
        label={t('tokens.new.name')}
        hint={t('tokens.new.nameHint')}
        name="name"
        autoComplete="off"
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
        required
      />
      <Textarea
        label={t('tokens.new.description')}
        optionalText={t('app.optional')}
        name="description"
        rows={2}
        maxLength={1000}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
      />
      <div className="form__row">
        <Select
          ref={expiryRef}
          label={t('tokens.new.expiry')}
          name="expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.target.value as ExpiryChoice)}
          options={choices.map((choice) => ({
            value: choice,
            label:
              choice === 'custom'
                ? t('tokens.new.expiryCustom')
                : choice === 'none'
                  ? t('tokens.new.expiryNone')
                  : t('tokens.new.expiryDays', { days: choice }),
          }))}
          hint={expiry === 'custom' ? undefined : expiryNote}
          error={expiry === 'custom' ? undefined : errors.expiry}
        />
        {expiry === 'custom' ? (
          <Input
            ref={dateRef}
            label={t('tokens.new.expiryDate')}
            type="date"
            name="expires_on"
            min={minDate}
            max={maxDate}
            value={customDate}
            onChange={(event) => setCustomDate(event.target.value)}
            hint={expiryNote ?? t('tokens.new.expiryMax', { days: policy.max_lifetime_days })}
            error={errors.expiry}
          />
        ) : null}
      </div>
      {expiry === 'none' ? <Alert tone="warning">{t('tokens.new.expiryNoneWarning')}</Alert> : null}
      <div ref={scopesRef}>
        <ScopePicker
          groups={groups}
          value={levels}
          onChange={setLevels}
          legend={t('tokens.new.scopes')}
          hint={t('tokens.new.scopesHint')}
          error={errors.scopes}
        />
      </div>
      {bannerShown ? <ActionError message={errorMessage(serverError, t)} /> : null}
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={submitting}>
          {t('tokens.new.submit')}
        </Button>
        <LinkButton to="/settings/tokens" variant="ghost">
          {t('app.cancel')}
        </LinkButton>
      </div>
    </form>
  );
}
