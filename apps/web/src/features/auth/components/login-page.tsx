import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage } from '../../../lib/error-message.ts';
import { safeNextPath } from '../../../lib/safe-next.ts';
import { useMe } from '../api/get-me.ts';
import { useLogIn } from '../api/log-in.ts';
import { AuthCard } from './auth-card.tsx';

export function LoginPage() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'), window.location.origin);
  const me = useMe();
  const logIn = useLogIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: boolean; password?: boolean }>({});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // Already signed in (another tab) while an OAuth authorization waits: let it continue.
  const resumeOnServer = me.isSuccess && next.startsWith('/api/') && logIn.isIdle;
  useEffect(() => {
    if (resumeOnServer) window.location.replace(next);
  }, [resumeOnServer, next]);

  if (me.isPending || resumeOnServer) return <LoadingBlock label={t('app.loading')} minHeight={320} />;
  if (me.isSuccess && !logIn.isPending && !next.startsWith('/api/')) return <Navigate to={next} replace />;

  // An OAuth authorization (`/api/oauth/authorize?…`) continues on the server, not in this app.
  const goTo = (path: string) => {
    if (path.startsWith('/api/')) window.location.assign(path);
    else navigate(path, { replace: true });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const nowMissing = { email: email.trim() === '', password: password === '' };
    setMissing(nowMissing);
    if (nowMissing.email) return emailRef.current?.focus();
    if (nowMissing.password) return passwordRef.current?.focus();
    logIn.mutate(
      { email: email.trim(), password },
      {
        onSuccess: () => goTo(next),
        onError: () => setPassword(''),
      },
    );
  };

  const reason = params.get('reason');
  return (
    <AuthCard
      title={t('auth.signIn.title')}
      footer={
        <>
          {t('auth.signIn.noAccount')}{' '}
          <Link to={params.get('next') ? `/signup?next=${encodeURIComponent(next)}` : '/signup'}>
            {t('auth.signIn.createAccount')}
          </Link>
        </>
      }
    >
      {reason === 'signed-out' ? <Alert tone="success">{t('auth.signIn.signedOut')}</Alert> : null}
      {reason === 'expired' ? (
        <Alert tone="warning" live="status">
          {t('auth.signIn.sessionExpired')}
        </Alert>
      ) : null}
      {reason !== 'signed-out' && reason !== 'expired' && params.get('next') ? (
        <Alert>{t('auth.signIn.sessionEnded')}</Alert>
      ) : null}
      {logIn.isError ? (
        <Alert tone="danger" live="alert">
          {errorMessage(logIn.error, t)}
        </Alert>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <Input
          ref={emailRef}
          label={t('auth.signIn.email')}
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={missing.email ? t('errors.fieldRequired') : undefined}
          required
        />
        <Input
          ref={passwordRef}
          label={t('auth.signIn.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={missing.password ? t('errors.fieldRequired') : undefined}
          required
        />
        <Button type="submit" variant="primary" loading={logIn.isPending} className="btn--block">
          {t('auth.signIn.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
