import { useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage, hasErrorCode } from '../../../lib/error-message.ts';
import { isHttpUrl } from '../../../lib/safe-next.ts';
import { useDecideAuthorizationRequest } from '../api/decide-authorization-request.ts';
import { useAuthorizationRequest } from '../api/get-authorization-request.ts';
import { ScopeList } from './scope-list.tsx';

/** OAuth consent for a native app (authorization code + PKCE): who asks, for what, and where it returns. */
export function ConsentPage() {
  const t = useT();
  const [params] = useSearchParams();
  const id = params.get('request') ?? '';
  const request = useAuthorizationRequest(id);
  const decide = useDecideAuthorizationRequest();

  const choose = (approve: boolean) =>
    decide.mutate(
      { id, approve },
      {
        onSuccess: ({ redirect_to }) => {
          // Only ever a web address; never `javascript:` or the like, whatever the server said.
          if (isHttpUrl(redirect_to)) window.location.assign(redirect_to);
        },
      },
    );

  if (!id || request.isError) {
    const missing =
      !id || hasErrorCode(request.error, 'not_found') || hasErrorCode(request.error, 'invalid_request');
    return (
      <div className="page page--narrow">
        <PageHeader title={t('oauth.consent.errorTitle')} />
        <Alert tone="danger" live="alert">
          {missing ? t('oauth.consent.missing') : errorMessage(request.error, t)}
        </Alert>
      </div>
    );
  }
  if (request.isPending) return <LoadingBlock label={t('app.loading')} minHeight={320} />;

  const { client, scopes, redirect_uri: redirectUri } = request.data;
  const redirecting = decide.isSuccess;
  return (
    <div className="page page--narrow">
      <PageHeader title={t('oauth.consent.title', { client: client.name })} />
      <div className="card section">
        {decide.isError ? (
          <Alert tone="danger" live="alert">
            {hasErrorCode(decide.error, 'not_found')
              ? t('oauth.consent.missing')
              : errorMessage(decide.error, t)}
          </Alert>
        ) : null}
        <ScopeList scopes={scopes} />
        <p className="muted small">{t('oauth.consent.redirect', { uri: originOf(redirectUri) })}</p>
        {redirecting ? (
          <Alert tone="info" live="status">
            {t('oauth.consent.redirecting')}
          </Alert>
        ) : (
          <div className="form__actions">
            <Button
              variant="primary"
              loading={decide.isPending && decide.variables?.approve === true}
              disabled={decide.isPending}
              onClick={() => choose(true)}
            >
              {t('oauth.consent.approve')}
            </Button>
            <Button
              loading={decide.isPending && decide.variables?.approve === false}
              disabled={decide.isPending}
              onClick={() => choose(false)}
            >
              {t('oauth.consent.deny')}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

/** The scheme, host and port the browser returns to (the path and query are the app's business). */
function originOf(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}`;
  } catch {
    return uri;
  }
}
