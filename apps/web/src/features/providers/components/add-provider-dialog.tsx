import { type FormEvent, useId, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import type { CreateProviderAccountBody, Provider, ProviderAccount } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { useCreateProviderAccount } from '../api/create-provider-account.ts';
import { PROVIDERS } from './provider-labels.ts';
import { RefusedCheck } from './refused-check.tsx';
import { refusedCheckOf } from './test-result.tsx';

type Field = 'name' | 'token' | 'username' | 'base_url';
type Errors = Partial<Record<Field, string>>;

export function AddProviderDialog({
  open,
  onClose,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  onAdded: (account: ProviderAccount) => void;
}) {
  const t = useT();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t('providers.create.title')}
      closeLabel={t('app.close')}
      size="lg"
    >
      <AddProviderForm onClose={onClose} onAdded={onAdded} />
    </Dialog>
  );
}

/** Server field errors, in the reader's language. */
export function providerFieldErrors(error: unknown, provider: Provider, t: Translate): Errors {
  const fields = fieldErrorsOf(error);
  const out: Errors = {};
  if (fields.name) out.name = t('errors.fieldInvalid');
  if (fields.token) {
    out.token = /provider/.test(fields.token)
      ? t('providers.errors.tokenWrongProvider', { provider: t(`providers.names.${provider}`) })
      : t('providers.errors.tokenInvalid');
  }
  if (fields.username) {
    out.username = /e-?mail/i.test(fields.username)
      ? t('providers.errors.usernameEmail')
      : t('providers.errors.usernameRequired');
  }
  if (fields.base_url) out.base_url = t('providers.errors.baseUrl');
  return out;
}

function AddProviderForm({
  onClose,
  onAdded,
}: {
  onClose: () => void;
  onAdded: (account: ProviderAccount) => void;
}) {
  const t = useT();
  const id = useId();
  const create = useCreateProviderAccount();
  const [provider, setProvider] = useState<Provider>('github');
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const refused = refusedCheckOf(create.error);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    token: useRef<HTMLInputElement>(null),
    username: useRef<HTMLInputElement>(null),
    base_url: useRef<HTMLInputElement>(null),
  };
  const focusFirst = (found: Errors) => {
    const first = (['name', 'base_url', 'username', 'token'] as const).find((field) => found[field]);
    if (first) refs[first].current?.focus();
  };

  const submit = (event: FormEvent | null, force = false) => {
    event?.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = t('errors.fieldRequired');
    if (!token.trim()) found.token = t('errors.fieldRequired');
    if (provider === 'bitbucket' && !username.trim()) found.username = t('providers.errors.usernameRequired');
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    const body: CreateProviderAccountBody = { provider, name: name.trim(), token: token.trim() };
    if (provider === 'bitbucket') body.username = username.trim();
    if (provider === 'gitlab' && baseUrl.trim()) body.base_url = baseUrl.trim();
    if (force) body.force = true;
    create.mutate(body, {
      onSuccess: (account) => {
        setToken('');
        create.reset();
        onAdded(account);
      },
      onError: (error) => {
        const server = providerFieldErrors(error, provider, t);
        if (hasErrorCode(error, 'conflict')) server.name = errorMessage(error, t);
        setErrors(server);
        focusFirst(server);
      },
    });
  };

  const banner =
    create.isError &&
    !refused &&
    !hasErrorCode(create.error, 'invalid_request') &&
    !hasErrorCode(create.error, 'conflict');
  return (
    <form className="form" onSubmit={submit} noValidate>
      {banner ? (
        <Alert tone="danger" live="alert">
          {errorMessage(create.error, t)}
        </Alert>
      ) : null}
      {refused ? (
        <RefusedCheck
          result={refused}
          pending={create.isPending}
          onForce={() => submit(null, true)}
          onEdit={() => {
            create.reset();
            refs.token.current?.focus();
          }}
        />
      ) : null}
      <div className="field">
        <p className="field__label" id={`${id}-provider`}>
          {t('providers.fields.provider')}
        </p>
        <div className="segmented segmented--wide" role="radiogroup" aria-labelledby={`${id}-provider`}>
          {PROVIDERS.map((option) => (
            <span key={option} className="segmented__item">
              <input
                type="radio"
                id={`${id}-${option}`}
                name={`${id}-provider`}
                value={option}
                checked={provider === option}
                onChange={() => {
                  setProvider(option);
                  setErrors({});
                }}
                data-autofocus={provider === option ? true : undefined}
              />
              <label htmlFor={`${id}-${option}`}>{t(`providers.names.${option}`)}</label>
            </span>
          ))}
        </div>
      </div>
      <Alert tone="info">{t(`providers.help.${provider}`)}</Alert>
      <Input
        ref={refs.name}
        label={t('providers.fields.name')}
        hint={t('providers.fields.nameHint')}
        value={name}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />
      {provider === 'gitlab' ? (
        <Input
          ref={refs.base_url}
          label={t('providers.fields.baseUrl')}
          optionalText={t('app.optional')}
          hint={t('providers.fields.baseUrlHint')}
          type="url"
          inputMode="url"
          placeholder="https://gitlab.example.com"
          value={baseUrl}
          maxLength={2048}
          onChange={(event) => setBaseUrl(event.target.value)}
          error={errors.base_url}
        />
      ) : null}
      {provider === 'bitbucket' ? (
        <Input
          ref={refs.username}
          label={t('providers.fields.username')}
          hint={t('providers.fields.usernameHint')}
          autoComplete="off"
          value={username}
          maxLength={254}
          onChange={(event) => setUsername(event.target.value)}
          error={errors.username}
        />
      ) : null}
      <Input
        ref={refs.token}
        label={t('providers.fields.token')}
        hint={t('providers.fields.tokenHint')}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        maxLength={1024}
        onChange={(event) => {
          setToken(event.target.value);
          if (refused) create.reset();
        }}
        error={errors.token}
      />
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={create.isPending}>
          {t('providers.create.submit')}
        </Button>
        <Button variant="ghost" onClick={onClose} disabled={create.isPending}>
          {t('app.cancel')}
        </Button>
      </div>
    </form>
  );
}
