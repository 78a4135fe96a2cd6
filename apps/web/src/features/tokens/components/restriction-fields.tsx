import { type Ref, useId } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Textarea } from '../../../components/ui/input.tsx';
import { Spinner } from '../../../components/ui/spinner.tsx';
import { type Translate, useT } from '../../../i18n/i18n-provider.tsx';
import type { RotatedOutUse } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { useRepos } from '../../../lib/queries/repos.ts';

/**
 * "All repositories" or "only select repositories" (GitHub's words), with the user's connected
 * repositories to tick. `null` is every repository.
 */
export function RepoRestrictionField({
  value,
  onChange,
  error,
  firstRef,
  legendHidden,
}: {
  value: string[] | null;
  onChange: (value: string[] | null) => void;
  error?: string | undefined;
  firstRef?: Ref<HTMLInputElement>;
  /** Under a heading that already says "Repositories", the legend is for screen readers only. */
  legendHidden?: boolean;
}) {
  const t = useT();
  const id = useId();
  const repos = useRepos();
  const selecting = value !== null;
  return (
    <fieldset
      className={`stack-sm restriction ${error ? 'field--invalid' : ''}`}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
    >
      <legend className={legendHidden ? 'visually-hidden' : 'field__label'}>
        {t('tokens.restrictions.repos')}
      </legend>
      <p className="field__hint" id={`${id}-hint`}>
        {t('tokens.restrictions.reposHint')}
      </p>
      <label className="checkbox">
        <input
          ref={firstRef}
          type="radio"
          name={`${id}-mode`}
          checked={!selecting}
          onChange={() => onChange(null)}
        />
        {t('tokens.restrictions.reposAll')}
      </label>
      <label className="checkbox">
        <input type="radio" name={`${id}-mode`} checked={selecting} onChange={() => onChange(value ?? [])} />
        {t('tokens.restrictions.reposSelect')}
      </label>
      {selecting ? (
        repos.isPending ? (
          <Spinner label={t('app.loading')} />
        ) : repos.isError ? (
          <Alert
            tone="danger"
            action={
              <Button size="sm" onClick={() => repos.refetch()}>
                {t('app.retry')}
              </Button>
            }
          >
            {errorMessage(repos.error, t)}
          </Alert>
        ) : repos.data.length === 0 ? (
          <p className="muted small">{t('tokens.restrictions.reposNone')}</p>
        ) : (
          <fieldset className="restriction__choices">
            <legend className="visually-hidden">{t('tokens.restrictions.reposSelect')}</legend>
            <div className="checkbox-grid">
              {repos.data.map((repo) => (
                <label key={repo.id} className="checkbox">
                  <input
                    type="checkbox"
                    checked={value.includes(repo.id)}
                    onChange={(event) =>
                      onChange(
                        event.target.checked
                          ? [...value, repo.id]
                          : value.filter((other) => other !== repo.id),
                      )
                    }
                  />
                  {repo.full_name}
                </label>
              ))}
            </div>
          </fieldset>
        )
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The message for refused networks: the entries the server named, or a general one. */
export function networksError(refused: string[], t: Translate): string {
  const named = refused.filter(Boolean);
  return named.length > 0
    ? t('tokens.restrictions.networksInvalid', { entries: named.join(', ') })
    : t('tokens.restrictions.networksInvalidAny');
}

/** The networks a token may be used from, one CIDR a line; empty is any network. */
export function NetworksField({
  value,
  onChange,
  error,
  textareaRef,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  textareaRef?: Ref<HTMLTextAreaElement>;
}) {
  const t = useT();
  return (
    <Textarea
      ref={textareaRef}
      label={t('tokens.restrictions.networks')}
      optionalText={t('app.optional')}
      hint={t('tokens.restrictions.networksHint')}
      name="allowed_cidrs"
      rows={3}
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      className="code-input"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error}
    />
  );
}

/** "Allow this token to rotate itself", explained. */
export function SelfRotationField({
  checked,
  onChange,
  disabled,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const t = useT();
  const id = useId();
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          name="allow_self_rotation"
          checked={checked}
          disabled={disabled}
          aria-describedby={`${id}-hint`}
          onChange={(event) => onChange(event.target.checked)}
        />
        {t('tokens.restrictions.selfRotation')}
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        {t('tokens.restrictions.selfRotationHint')}
      </p>
    </div>
  );
}

/** What presenting a secret the token was rotated away from does: tell the owner, or revoke the token. */
export function ReplayPolicyField({
  value,
  onChange,
  disabled,
}: {
  value: RotatedOutUse;
  onChange: (value: RotatedOutUse) => void;
  disabled?: boolean;
}) {
  const t = useT();
  const id = useId();
  return (
    <fieldset className="stack-sm" aria-describedby={`${id}-hint`} disabled={disabled}>
      <legend className="field__label">{t('tokens.replay.legend')}</legend>
      <p className="field__hint" id={`${id}-hint`}>
        {t('tokens.replay.hint')}
      </p>
      {(['notify', 'revoke'] as const).map((choice) => (
        <label key={choice} className="checkbox">
          <input
            type="radio"
            name={`${id}-replay`}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          {t(`tokens.replay.${choice}`)}
        </label>
      ))}
    </fieldset>
  );
}
