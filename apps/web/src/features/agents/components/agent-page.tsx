import { type ChangeEvent, type ReactNode, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { CopyButton } from '../../../components/ui/copy-button.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { Notice } from '../../../components/ui/notice.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { type Column, Table } from '../../../components/ui/table.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { Agent, AgentFile } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { formatBytes, formatDateTime } from '../../../lib/relative-time.ts';
import { useDeleteAgent } from '../api/delete-agent.ts';
import { useAgent } from '../api/get-agent.ts';
import { useFrameworks } from '../api/list-frameworks.ts';
import { useUploadAgentFile } from '../api/upload-agent-file.ts';
import { isAgentCategory } from './agent-categories.ts';

export function AgentPage({ currentUserId }: { currentUserId: string | undefined }) {
  const t = useT();
  const { id = '' } = useParams();
  const agent = useAgent(id);
  const back = <Link to="/agents">← {t('agents.page.back')}</Link>;

  if (agent.isPending) {
    return (
      <div className="page">
        <PageHeader title={<span className="skeleton skeleton--title" />} back={back} />
        <LoadingBlock label={t('app.loading')} minHeight={320} />
      </div>
    );
  }
  if (agent.isError) {
    return (
      <div className="page">
        <PageHeader title={t('agents.title')} back={back} />
        <Alert tone="danger" live="alert">
          {errorMessage(agent.error, t)}
        </Alert>
      </div>
    );
  }
  return <AgentDetails agent={agent.data} mine={agent.data.owner_id === currentUserId} back={back} />;
}

function AgentDetails({ agent, mine, back }: { agent: Agent; mine: boolean; back: ReactNode }) {
  const t = useT();
  const [language] = useLanguage();
  const navigate = useNavigate();
  const frameworks = useFrameworks();
  const remove = useDeleteAgent();
  const upload = useUploadAgentFile(agent.agent_id);
  const [confirming, setConfirming] = useState(false);
  const [uploadNotice, setUploadNotice] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const location = useLocation();
  const arrivedWith = (location.state as { notice?: 'saved' | 'created' } | null)?.notice;
  const [saveNotice, setSaveNotice] = useState<string | null>(
    arrivedWith ? t(`agents.page.${arrivedWith}`, { name: agent.name }) : null,
  );

  const framework = agent.framework
    ? agent.framework === 'other'
      ? t('agents.fields.frameworkOther')
      : (frameworks.data?.find((item) => item.id === agent.framework)?.name ?? agent.framework)
    : null;

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setUploadNotice(null);
    upload.mutate(file, {
      onSuccess: (uploaded) => setUploadNotice(t('agents.page.uploaded', { name: uploaded.name })),
    });
  };

  const columns: Column<AgentFile>[] = [
    {
      key: 'name',
      header: t('agents.page.fileName'),
      className: 'col-name',
      cell: (file) => <span className="strong">{file.name}</span>,
    },
    { key: 'size', header: t('agents.page.fileSize'), cell: (file) => formatBytes(file.size, language) },
    {
      key: 'sha',
      header: t('agents.page.fileHash'),
      cell: (file) => (
        <div className="hash-cell">
          <code className="code hash">{file.sha256}</code>
          <CopyButton
            getText={() => file.sha256}
            label={t('agents.page.copyHash', { name: file.name })}
            copiedLabel={t('tokens.reveal.copied')}
            failedLabel={t('agents.page.copyHashFailed')}
            variant="secondary"
          />
        </div>
      ),
    },
  ];

  return (
    <div className="page">
      <PageHeader
        back={back}
        title={agent.name}
        description={
          <span className="inline-chips">
            {mine ? <Chip tone="info">{t('agents.page.owner')}</Chip> : null}
            <Chip tone={agent.status === 'ready' ? 'success' : 'warning'}>
              {t(`agents.status.${agent.status}`)}
            </Chip>
            <Chip>{t(`agents.visibility.${agent.visibility}`)}</Chip>
          </span>
        }
        actions={
          mine ? (
            <>
              <Button variant="ghost" className="btn--danger-text" onClick={() => setConfirming(true)}>
                {t('agents.page.delete')}
              </Button>
              <LinkButton to={`/agents/${encodeURIComponent(agent.agent_id)}/edit`}>
                {t('agents.page.edit')}
              </LinkButton>
            </>
          ) : null
        }
      />
      <Notice notice={saveNotice} onDismiss={() => setSaveNotice(null)} dismissLabel={t('app.dismiss')} />
      <section className="card section" aria-labelledby="agent-details">
        <h2 id="agent-details">{t('agents.page.details')}</h2>
        {agent.description ? <p className="prose">{agent.description}</p> : null}
        <dl className="definition-list">
          <dt>{t('agents.fields.category')}</dt>
          <dd>
            {isAgentCategory(agent.category) ? t(`agents.categories.${agent.category}`) : agent.category}
          </dd>
          <dt>{t('agents.fields.framework')}</dt>
          <dd>{framework ?? t('agents.fields.noFramework')}</dd>
          <dt>{t('agents.fields.tags')}</dt>
          <dd>
            {agent.tags.length > 0 ? (
              <ul className="chip-list">
                {agent.tags.map((tag) => (
                  <li key={tag}>
                    <Link to={`/agents?tag=${encodeURIComponent(tag)}`} className="tag-link">
                      #{tag}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              t('app.none')
            )}
          </dd>
          <dt>{t('agents.page.updatedLabel')}</dt>
          <dd>{formatDateTime(agent.updated_at, language)}</dd>
          <dt>{t('agents.page.id')}</dt>
          <dd>
            <code className="code">{agent.agent_id}</code>
          </dd>
        </dl>
      </section>
      <section className="section" aria-labelledby="agent-files">
        <div className="section__header">
          <h2 id="agent-files">{t('agents.page.files')}</h2>
          {mine ? (
            <>
              <input
                ref={fileInput}
                type="file"
                className="visually-hidden"
                tabIndex={-1}
                aria-hidden="true"
                onChange={onFile}
              />
              <Button size="sm" loading={upload.isPending} onClick={() => fileInput.current?.click()}>
                {t('agents.page.upload')}
              </Button>
            </>
          ) : null}
        </div>
        <div className="notice-slot" aria-live="polite">
          {upload.isError ? (
            <Alert tone="danger">{errorMessage(upload.error, t)}</Alert>
          ) : uploadNotice ? (
            <Alert tone="success">{uploadNotice}</Alert>
          ) : null}
        </div>
        <Table
          caption={t('agents.page.filesCaption')}
          columns={columns}
          rows={agent.files}
          rowKey={(file) => file.id}
          empty={<EmptyState title={t('agents.page.noFiles')} />}
        />
      </section>
      <ConfirmDialog
        open={confirming}
        onClose={() => {
          remove.reset();
          setConfirming(false);
        }}
        title={t('agents.page.deleteTitle', { name: agent.name })}
        body={t('agents.page.deleteBody')}
        confirmLabel={t('agents.page.deleteConfirm')}
        cancelLabel={t('app.cancel')}
        closeLabel={t('app.close')}
        pending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error, t) : undefined}
        onConfirm={() =>
          remove.mutate(agent.agent_id, { onSuccess: () => navigate('/agents', { replace: true }) })
        }
      />
    </div>
  );
}
