import type { NoticeKind, WebhookEndpoint } from '@tessera/client';
import { type FormEvent, useState } from 'react';
import { RelativeTime } from '../../../components/relative-time.tsx';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import { errorMessage } from '../../../lib/error-message.ts';
import { useNow } from '../../../lib/use-now.ts';
import { useNoticeSettings } from '../api/notice-settings.ts';
import {
  useCreateWebhook,
  useDeleteWebhook,
  useRotateWebhookSecret,
  useSendWebhookTest,
  useUpdateWebhook,
  useWebhookDeliveries,
  useWebhookEndpoints,
} from '../api/webhooks.ts';
import { noticeKindLabel } from './notice-text.ts';

type FilterKind = Exclude<NoticeKind, 'webhook.test'>;

export function WebhooksPage() {
  const t = useT();
  const endpoints = useWebhookEndpoints();
  const settings = useNoticeSettings();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [kinds, setKinds] = useState<FilterKind[]>([]);
  // A secret lives only in this state, shown once, dropped when dismissed.
  const [secret, setSecret] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'rotate' | 'delete'; endpoint: WebhookEndpoint } | null>(
    null,
  );
  const [logOf, setLogOf] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const rotate = useRotateWebhookSecret();
  const remove = useDeleteWebhook();
  const update = useUpdateWebhook();
  const test = useSendWebhookTest();
  const allKinds = (settings.data?.preferences.map((p) => p.kind) ?? []) as FilterKind[];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { url: url.trim(), description: description.trim(), kinds },
      {
        onSuccess: (created) => {
          setSecret(created.secret);
          setUrl('');
          setDescription('');
          setKinds([]);
        },
      },
    );
  };

  return (
    <div className="page">
      <PageHeader title={t('webhooks.title')} description={t('webhooks.intro')} />
      {secret ? (
        <Alert
          tone="warning"
          live="status"
          title={t('webhooks.secretTitle')}
          action={
            <Button size="sm" variant="ghost" onClick={() => setSecret(null)}>
              {t('app.dismiss')}
            </Button>
          }
        >
          <p>{t('webhooks.secretText')}</p>
          <output className="secret" data-testid="webhook-secret">
            {secret}
          </output>{' '}
          <CopyButton
            getText={() => secret}
            label={t('tokens.reveal.copy')}
            copiedLabel={t('tokens.reveal.copied')}
            failedLabel={t('tokens.reveal.copyFailed')}
          />
        </Alert>
      ) : null}
      {message ? (
        <Alert tone="info" live="status">
          {message}
        </Alert>
      ) : null}

      <form className="stack" onSubmit={submit} aria-labelledby="webhook-add-title">
        <h2 id="webhook-add-title">{t('webhooks.add')}</h2>
        <Input
          label={t('webhooks.url')}
          type="url"
          required
          value={url}
          placeholder="https://example.com/tessera"
          onChange={(event) => setUrl(event.target.value)}
        />
        <Input
          label={t('webhooks.description')}
          optionalText={t('app.optional')}
          value={description}
          maxLength={200}
          onChange={(event) => setDescription(event.target.value)}
        />
        <fieldset className="stack-xs">
          <legend className="field__label">
            {t('webhooks.kinds')} <span className="muted small">({t('webhooks.allKinds')} ∅)</span>
          </legend>
          <div className="checkbox-grid">
            {allKinds.map((kind) => (
              <label key={kind} className="checkbox">
                <input
                  type="checkbox"
                  checked={kinds.includes(kind)}
                  onChange={(event) =>
                    setKinds(event.target.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))
                  }
                />{' '}
                {noticeKindLabel(kind, t)}
              </label>
            ))}
          </div>
        </fieldset>
        {create.isError ? <Alert tone="danger">{errorMessage(create.error, t)}</Alert> : null}
        <div>
          <Button type="submit" loading={create.isPending}>
            {t('webhooks.create')}
          </Button>
        </div>
      </form>

      {endpoints.isError ? <Alert tone="danger">{errorMessage(endpoints.error, t)}</Alert> : null}
      {endpoints.data?.length === 0 ? (
        <EmptyState title={t('webhooks.empty.title')} description={t('webhooks.empty.text')} />
      ) : null}
      <ul className="notice-list" data-testid="webhook-list">
        {endpoints.data?.map((endpoint) => (
          <li key={endpoint.id} className="notice-item notice-item--column">
            <div className="stack-xs">
              <span className="strong">
                {endpoint.url} {endpoint.enabled ? <Chip tone="success">{t('webhooks.enabled')}</Chip> : null}
              </span>
              {endpoint.description ? <span className="muted small">{endpoint.description}</span> : null}
              <span className="muted small">
                {endpoint.kinds.length === 0
                  ? t('webhooks.allKinds')
                  : endpoint.kinds.map((kind) => noticeKindLabel(kind, t)).join(', ')}
              </span>
            </div>
            <div className="notice-item__actions">
              <Button
                size="sm"
                variant="secondary"
                loading={test.isPending && test.variables === endpoint.id}
                onClick={() =>
                  test.mutate(endpoint.id, {
                    onSuccess: (delivery) =>
                      setMessage(
                        t('webhooks.testSent', {
                          status: `${t(`webhooks.status.${delivery.status}`)} ${delivery.last_status_code ?? delivery.last_error ?? ''}`,
                        }),
                      ),
                  })
                }
              >
                {t('webhooks.test')}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setLogOf(logOf === endpoint.id ? null : endpoint.id)}
              >
                {logOf === endpoint.id ? t('webhooks.hideDeliveries') : t('webhooks.deliveries')}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => update.mutate({ id: endpoint.id, body: { enabled: !endpoint.enabled } })}
              >
                {endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirm({ kind: 'rotate', endpoint })}>
                {t('webhooks.rotate')}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                className="btn--danger-text"
                onClick={() => setConfirm({ kind: 'delete', endpoint })}
              >
                {t('webhooks.delete')}
              </Button>
            </div>
            {logOf === endpoint.id ? <DeliveryLog endpointId={endpoint.id} /> : null}
          </li>
        ))}
      </ul>

      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.kind === 'delete' ? t('webhooks.delete') : t('webhooks.rotate')}
        body={confirm?.kind === 'delete' ? t('webhooks.deleteConfirm') : t('webhooks.rotateConfirm')}
        confirmLabel={confirm?.kind === 'delete' ? t('webhooks.delete') : t('webhooks.rotate')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        tone={confirm?.kind === 'delete' ? 'danger' : 'primary'}
        pending={rotate.isPending || remove.isPending}
        error={(() => {
          const failure = confirm?.kind === 'delete' ? remove.error : rotate.error;
          return failure ? errorMessage(failure, t) : undefined;
        })()}
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          if (!confirm) return;
          if (confirm.kind === 'delete') {
            remove.mutate(confirm.endpoint.id, { onSuccess: () => setConfirm(null) });
          } else {
            rotate.mutate(confirm.endpoint.id, {
              onSuccess: (rotated) => {
                setSecret(rotated.secret);
                setConfirm(null);
              },
            });
          }
        }}
      />
    </div>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const t = useT();
  const now = useNow();
  const deliveries = useWebhookDeliveries(endpointId);
  if (deliveries.isError) return <Alert tone="danger">{errorMessage(deliveries.error, t)}</Alert>;
  if (!deliveries.data) return null;
  if (deliveries.data.length === 0) return <p className="muted">{t('webhooks.noDeliveries')}</p>;
  return (
    <table className="table" data-testid="webhook-deliveries">
      <thead>
        <tr>
          <th scope="col">{t('webhooks.table.event')}</th>
          <th scope="col">{t('webhooks.table.status')}</th>
          <th scope="col">{t('webhooks.table.code')}</th>
          <th scope="col">{t('webhooks.table.attempts')}</th>
          <th scope="col">{t('webhooks.table.when')}</th>
          <th scope="col">{t('webhooks.table.error')}</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.map((delivery) => (
          <tr key={delivery.id}>
            <td>{noticeKindLabel(delivery.kind, t)}</td>
            <td>
              <Chip
                tone={
                  delivery.status === 'delivered'
                    ? 'success'
                    : delivery.status === 'failed'
                      ? 'danger'
                      : 'warning'
                }
              >
                {t(`webhooks.status.${delivery.status}`)}
              </Chip>
            </td>
            <td>{delivery.last_status_code ?? t('app.none')}</td>
            <td>{delivery.attempts}</td>
            <td>
              <RelativeTime date={delivery.created_at} now={now} />
            </td>
            <td className="muted small">{delivery.last_error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
