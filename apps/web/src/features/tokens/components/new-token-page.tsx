import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ActionError } from '../../../components/ui/action-error.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input, Textarea } from '../../../components/ui/input.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { CreateTokenBody, Scope } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { clearDraftUnlessExpired, saveDraft, takeDraftAfterExpiry } from '../../../lib/form-draft.ts';
import { addDays, formatDate } from '../../../lib/relative-time.ts';
import { useCreateToken } from '../api/create-token.ts';
import { useTokenPolicy } from '../api/get-token-policy.ts';
import { ExpiryField } from './expiry-field.tsx';
import { defaultExpiryChoice, type ExpiryChoice, expiresInDaysOf, expiryChoices } from './expiry-options.ts';
import {
  NetworksField,
  networksError,
  RepoRestrictionField,
  SelfRotationField,
} from './restriction-fields.tsx';
import { limitsRepositories, parseNetworks, refusedNetworks } from './restrictions.ts';
import { groupScopes, type ScopeLevel, scopesFromLevels } from './scope-levels.ts';
import { ScopePicker } from './scope-picker.tsx';
import { type RevealedToken, TokenRevealScreen } from './token-reveal-screen.tsx';

type FormErrors = Partial<
  Record<'name' | 'description' | 'scopes' | 'expiry' | 'repos' | 'networks', string>
>;

export function NewTokenPage() {
  const t = useT();
  const navigate = useNavigate();
  const policy = useTokenPolicy();
  const create = useCreateToken();
  // The secret is held here, and only until the person leaves the reveal.
  const [created, setCreated] = useState<RevealedToken | null>(null);

  if (created) {
    return (
      <TokenRevealScreen
        title={t('tokens.reveal.title')}
        token={created}
        onDone={() => {
          const id = created.id;
          setCreated(null);
          navigate(`/settings/tokens?created=${encodeURIComponent(id)}`);
        }}
      />
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
  selfRotation?: boolean;
  repoIds?: string[] | null;
  networks?: string;
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
  const [selfRotation, setSelfRotation] = useState(restored?.selfRotation ?? false);
  const [repoIds, setRepoIds] = useState<string[] | null>(restored?.repoIds ?? null);
  const [networks, setNetworks] = useState(restored?.networks ?? '');
  useEffect(() => {
    saveDraft(DRAFT_KEY, {
      name,
      description,
      expiry,
      customDate,
      levels,
      selfRotation,
      repoIds,
      networks,
    } satisfies Draft);
  }, [name, description, expiry, customDate, levels, selfRotation, repoIds, networks]);
  useEffect(() => () => clearDraftUnlessExpired(DRAFT_KEY), []);
  const [errors, setErrors] = useState<FormErrors>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const expiryRef = useRef<HTMLSelectElement>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const scopesRef = useRef<HTMLDivElement>(null);
  const reposRef = useRef<HTMLInputElement>(null);
  const networksRef = useRef<HTMLTextAreaElement>(null);
  // The repository restriction limits repos:* and tasks:* scopes: it is offered only with one.
  const repoScoped = limitsRepositories(scopesFromLevels(levels, groups));

  const now = new Date();
  const days = expiresInDaysOf(expiry, customDate, now, policy.max_lifetime_days);

  const focusFirst = (found: FormErrors) => {
    if (found.name) nameRef.current?.focus();
    else if (found.expiry) (expiry === 'custom' ? dateRef : expiryRef).current?.focus();
    else if (found.scopes)
      scopesRef.current?.querySelector<HTMLInputElement>('input:not([disabled])')?.focus();
    else if (found.repos) reposRef.current?.focus();
    else if (found.networks) networksRef.current?.focus();
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
    const restrictRepos = repoScoped && repoIds !== null;
    if (restrictRepos && repoIds.length === 0) found.repos = t('tokens.restrictions.reposRequired');
    const allowedCidrs = parseNetworks(networks);
    setErrors(found);
    if (Object.keys(found).length > 0 || days === 'invalid') return focusFirst(found);
    onSubmit(
      // The ids come from the server's own policy list, so they are scopes it knows.
      {
        name: name.trim(),
        description: description.trim() || null,
        scopes: scopes as Scope[],
        expires_in_days: days,
        ...(selfRotation ? { allow_self_rotation: true } : {}),
        ...(restrictRepos ? { repo_ids: repoIds } : {}),
        ...(allowedCidrs ? { allowed_cidrs: allowedCidrs } : {}),
      },
      (error) => {
        const server: FormErrors = {};
        const fields = fieldErrorsOf(error);
        if (hasErrorCode(error, 'conflict')) server.name = t('tokens.new.nameTaken');
        if (fields.name) server.name = t('errors.fieldInvalid');
        if (fields.description) server.description = t('errors.fieldInvalid');
        if (fields.scopes) server.scopes = t('tokens.new.scopesRequired');
        if (fields.repo_ids) server.repos = t('tokens.restrictions.reposInvalid');
        if (fields.allowed_cidrs) server.networks = networksError(refusedNetworks(error, allowedCidrs), t);
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
      <ExpiryField
        choices={choices}
        value={expiry}
        onChange={setExpiry}
        customDate={customDate}
        onCustomDateChange={setCustomDate}
        maxLifetimeDays={policy.max_lifetime_days}
        now={now}
        describeDate={(date) => t('tokens.new.expiryOn', { date })}
        error={errors.expiry}
        selectRef={expiryRef}
        dateRef={dateRef}
      />
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
      {repoScoped ? (
        <RepoRestrictionField
          value={repoIds}
          onChange={setRepoIds}
          error={errors.repos}
          firstRef={reposRef}
        />
      ) : null}
      <NetworksField
        value={networks}
        onChange={setNetworks}
        error={errors.networks}
        textareaRef={networksRef}
      />
      <SelfRotationField checked={selfRotation} onChange={setSelfRotation} />
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
