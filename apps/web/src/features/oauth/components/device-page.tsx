import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { DeviceLookup } from '../../../lib/api-types.ts';
import { errorMessage, hasErrorCode } from '../../../lib/error-message.ts';
import { useDecideDeviceCode } from '../api/decide-device-code.ts';
import { useLookUpDeviceCode } from '../api/look-up-device-code.ts';
import { ScopeList } from './scope-list.tsx';

type Step =
  | { kind: 'enter' }
  | { kind: 'confirm'; lookup: DeviceLookup }
  | { kind: 'done'; approved: boolean; client: string };

/** RFC 8628 device flow, the user's half: type the code the device shows, check who asks, decide. */
export function DevicePage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const [code, setCode] = useState(params.get('user_code') ?? '');
  const [step, setStep] = useState<Step>({ kind: 'enter' });
  const [missing, setMissing] = useState(false);
  const lookup = useLookUpDeviceCode();
  const decide = useDecideDeviceCode();
  const inputRef = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLDivElement>(null);

  // The code came in the link (verification_uri_complete): take it out of the address bar.
  useEffect(() => {
    if (params.has('user_code')) setParams({}, { replace: true });
  }, [params, setParams]);

  // Each step is a new screen: start reading at its heading (not on the first render).
  const shownStep = useRef(step.kind);
  useEffect(() => {
    if (shownStep.current === step.kind) return;
    shownStep.current = step.kind;
    headingRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [step.kind]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!code.trim()) {
      setMissing(true);
      return inputRef.current?.focus();
    }
    setMissing(false);
    lookup.mutate(code.trim(), { onSuccess: (found) => setStep({ kind: 'confirm', lookup: found }) });
  };

  const choose = (approve: boolean) => {
    if (step.kind !== 'confirm') return;
    const { lookup: found } = step;
    decide.mutate(
      { userCode: found.user_code, approve },
      { onSuccess: () => setStep({ kind: 'done', approved: approve, client: found.client.name }) },
    );
  };

  const restart = () => {
    lookup.reset();
    decide.reset();
    setCode('');
    setStep({ kind: 'enter' });
  };

  return (
    <div className="page page--narrow" ref={headingRef}>
      {step.kind === 'enter' ? (
        <>
          <PageHeader title={t('oauth.device.title')} description={t('oauth.device.intro')} />
          <form className="card form" onSubmit={submit} noValidate>
            {lookup.isError ? (
              <Alert tone="danger" live="alert">
                {hasErrorCode(lookup.error, 'not_found') || hasErrorCode(lookup.error, 'invalid_request')
                  ? t('oauth.device.invalidCode')
                  : errorMessage(lookup.error, t)}
              </Alert>
            ) : null}
            <Input
              ref={inputRef}
              label={t('oauth.device.code')}
              hint={t('oauth.device.codeHint')}
              value={code}
              onChange={(event) => setCode(event.target.value.toUpperCase())}
              autoComplete="one-time-code"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={64}
              className="input--code"
              error={missing ? t('errors.fieldRequired') : undefined}
            />
            <div className="form__actions">
              <Button type="submit" variant="primary" loading={lookup.isPending}>
                {t('oauth.device.continue')}
              </Button>
            </div>
          </form>
        </>
      ) : step.kind === 'confirm' ? (
        <>
          <PageHeader
            title={t('oauth.device.confirmTitle', { client: step.lookup.client.name })}
            description={t('oauth.device.confirmIntro', { code: step.lookup.user_code })}
          />
          <div className="card section">
            {decide.isError ? (
              <Alert tone="danger" live="alert">
                {errorMessage(decide.error, t)}
              </Alert>
            ) : null}
            <ScopeList scopes={step.lookup.scopes} />
            <div className="form__actions">
              <Button
                variant="primary"
                loading={decide.isPending && decide.variables?.approve === true}
                disabled={decide.isPending}
                onClick={() => choose(true)}
              >
                {t('oauth.device.approve')}
              </Button>
              <Button
                loading={decide.isPending && decide.variables?.approve === false}
                disabled={decide.isPending}
                onClick={() => choose(false)}
              >
                {t('oauth.device.deny')}
              </Button>
            </div>
          </div>
        </>
      ) : (
        <>
          <PageHeader title={t('oauth.device.title')} />
          <Alert tone={step.approved ? 'success' : 'info'} live="status">
            {step.approved ? t('oauth.device.approved', { client: step.client }) : t('oauth.device.denied')}
          </Alert>
          <div>
            <Button onClick={restart}>{t('oauth.device.another')}</Button>
          </div>
        </>
      )}
    </div>
  );
}
