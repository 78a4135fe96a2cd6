import { type FormEvent, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage, fieldCodesOf, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { safeNextPath } from '../../../lib/safe-next.ts';
import { useMe } from '../api/get-me.ts';
import { useSignUp } from '../api/sign-up.ts';
import { AuthCard } from './auth-card.tsx';

const PASSWORD_MIN = 12;
const PASSWORD_MAX = 1024;
// A light check only: the server decides; this catches typos before a round trip.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Field = 'name' | 'email' | 'password';

export function SignUpPage() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'), window.location.origin);
  const me = useMe();
  const signUp = useSignUp();
  const [values, setValues] = useState({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  if (me.isPending) return <LoadingBlock label={t('app.loading')} minHeight={320} />;
  if (me.isSuccess && !signUp.isPending && !next.startsWith('/api/')) return <Navigate to={next} replace />;

  const validate = (): Partial<Record<Field, string>> => {
    const found: Partial<Record<Field, string>> = {};
    if (!EMAIL_SHAPE.test(values.email.trim())) found.email = t('auth.signUp.emailInvalid');
    if (values.password.length < PASSWORD_MIN) found.password = t('auth.signUp.passwordTooShort');
    else if (values.password.length > PASSWORD_MAX) found.password = t('auth.signUp.passwordTooLong');
    return found;
  };

  const focusFirst = (found: Partial<Record<Field, string>>) => {
    const first = (['name', 'email', 'password'] as const).find((field) => found[field]);
    if (first) refs[first].current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    signUp.mutate(
      {
        email: values.email.trim(),
        password: values.password,
        ...(values.name.trim() ? { name: values.name.trim() } : {}),
      },
      {
        onSuccess: () => {
          // An OAuth authorization (`/api/oauth/authorize?…`) continues on the server, not in this app.
          if (next.startsWith('/api/')) window.location.assign(next);
          else navigate(next, { replace: true });
        },
        onError: (error) => {
          const server: Partial<Record<Field, string>> = {};
          if (hasErrorCode(error, 'conflict')) server.email = t('auth.signUp.emailTaken');
          const fields = fieldErrorsOf(error);
          const codes = fieldCodesOf(error);
          if (fields.email) server.email = t('auth.signUp.emailInvalid');
          if (fields.password) {
            server.password =
              codes.password === 'too_common'
                ? t('auth.signUp.passwordTooCommon')
                : codes.password === 'too_long'
                  ? t('auth.signUp.passwordTooLong')
                  : t('auth.signUp.passwordTooShort');
          }
          if (fields.name) server.name = t('errors.fieldInvalid');
          setErrors(server);
          focusFirst(server);
        },
      },
    );
  };

  const set = (field: Field) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  // Field problems are shown at the fields; the banner only says what the fields cannot.
  const showBanner = signUp.isError && !hasErrorCode(signUp.error, 'conflict');
  return (
    <AuthCard
      title={t('auth.signUp.title')}
      footer={
        <>
          {t('auth.signUp.haveAccount')}{' '}
          <Link to={params.get('next') ? `/login?next=${encodeURIComponent(next)}` : '/login'}>
            {t('auth.signUp.signIn')}
          </Link>
        </>
      }
    >
      {showBanner ? (
        <Alert tone="danger" live="alert">
          {errorMessage(signUp.error, t)}
        </Alert>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <Input
          ref={refs.name}
          label={t('auth.signUp.name')}
          optionalText={t('app.optional')}
          name="name"
          autoComplete="name"
          maxLength={100}
          value={values.name}
          onChange={set('name')}
          error={errors.name}
        />
        <Input
          ref={refs.email}
          label={t('auth.signUp.email')}
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          value={values.email}
          onChange={set('email')}
          error={errors.email}
          required
        />
        <Input
          ref={refs.password}
          label={t('auth.signUp.password')}
          type="password"
          name="password"
          autoComplete="new-password"
          hint={t('auth.signUp.passwordHint')}
          value={values.password}
          onChange={set('password')}
          error={errors.password}
          required
        />
        <Button type="submit" variant="primary" loading={signUp.isPending} className="btn--block">
          {t('auth.signUp.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
