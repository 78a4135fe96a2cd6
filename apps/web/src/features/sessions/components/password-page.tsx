import { type FormEvent, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { Notice } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage, fieldCodesOf, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { useChangePassword } from '../api/change-password.ts';

// The server's rules (docs/api.md §4 sign-up), checked here first so that most mistakes need no request.
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 1024;

type Field = 'current' | 'next' | 'confirm';
const FIELDS: Field[] = ['current', 'next', 'confirm'];

export function PasswordPage() {
  const t = useT();
  const change = useChangePassword();
  const [values, setValues] = useState<Record<Field, string>>({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [changed, setChanged] = useState(false);
  const refs = {
    current: useRef<HTMLInputElement>(null),
    next: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
  };

  const focusFirst = (found: Partial<Record<Field, string>>) => {
    const first = FIELDS.find((field) => found[field]);
    if (first) refs[first].current?.focus();
  };

  const validate = (): Partial<Record<Field, string>> => {
    const found: Partial<Record<Field, string>> = {};
    if (values.current === '') found.current = t('errors.fieldRequired');
    if (values.next.length < PASSWORD_MIN) found.next = t('password.tooShort');
    else if (values.next.length > PASSWORD_MAX) found.next = t('password.tooLong');
    else if (values.next === values.current) found.next = t('password.sameAsCurrent');
    if (values.confirm !== values.next) found.confirm = t('password.mismatch');
    return found;
  };

  /** The server names the field and, in its code, which rule failed (see sessions.service.ts). */
  const serverErrors = (error: unknown): Partial<Record<Field, string>> => {
    const fields = fieldErrorsOf(error);
    const codes = fieldCodesOf(error);
    const found: Partial<Record<Field, string>> = {};
    if (fields.current_password) found.current = t('password.currentWrong');
    if (fields.new_password) {
      if (codes.new_password === 'too_common') found.next = t('password.tooCommon');
      else if (codes.new_password === 'same_as_current') found.next = t('password.sameAsCurrent');
      else found.next = t('errors.fieldInvalid');
    }
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChanged(false);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    change.mutate(
      { current_password: values.current, new_password: values.next },
      {
        onSuccess: () => {
          setValues({ current: '', next: '', confirm: '' });
          setChanged(true);
        },
        onError: (error) => {
          const server = serverErrors(error);
          setErrors(server);
          if (server.current) setValues((current) => ({ ...current, current: '' }));
          focusFirst(server);
        },
      },
    );
  };

  const set = (field: Field) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  // Field problems are shown at the fields; the banner only says what the fields cannot.
  const showBanner = change.isError && !hasErrorCode(change.error, 'invalid_request');
  return (
    <div className="page page--narrow">
      <PageHeader title={t('password.title')} description={t('password.intro')} />
      <Notice
        notice={changed ? t('password.done') : null}
        onDismiss={() => setChanged(false)}
        dismissLabel={t('app.dismiss')}
      />
      {showBanner ? (
        <Alert tone="danger" live="alert">
          {errorMessage(change.error, t)}
        </Alert>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <Input
          ref={refs.current}
          label={t('password.current')}
          type="password"
          name="current-password"
          autoComplete="current-password"
          value={values.current}
          onChange={set('current')}
          error={errors.current}
          required
        />
        <Input
          ref={refs.next}
          label={t('password.new')}
          hint={t('password.newHint')}
          type="password"
          name="new-password"
          autoComplete="new-password"
          value={values.next}
          onChange={set('next')}
          error={errors.next}
          required
        />
        <Input
          ref={refs.confirm}
          label={t('password.confirm')}
          type="password"
          name="confirm-password"
          autoComplete="new-password"
          value={values.confirm}
          onChange={set('confirm')}
          error={errors.confirm}
          required
        />
        <div className="form__actions">
          <Button type="submit" variant="primary" loading={change.isPending}>
            {t('password.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
