import { type FormEvent, useId, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Input, Textarea } from '../../../components/ui/input.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { LoadingBlock } from '../../../components/ui/spinner.tsx';
import { useT } from '../../../i18n/i18n-provider.tsx';
import type { Agent, AgentBody, AgentVisibility } from '../../../lib/api-types.ts';
import { errorMessage, fieldErrorsOf, hasErrorCode } from '../../../lib/error-message.ts';
import { useCreateAgent } from '../api/create-agent.ts';
import { useAgent } from '../api/get-agent.ts';
import { useFrameworks } from '../api/list-frameworks.ts';
import { useUpdateAgent } from '../api/update-agent.ts';
import { AGENT_CATEGORIES, isAgentCategory, isValidCategory, parseTags } from './agent-categories.ts';

export function NewAgentPage() {
  const t = useT();
  return (
    <div className="page page--narrow">
      <PageHeader
        title={t('agents.form.createTitle')}
        back={<Link to="/agents">← {t('agents.page.back')}</Link>}
      />
      <AgentForm />
    </div>
  );
}

export function EditAgentPage({ currentUserId }: { currentUserId: string | undefined }) {
  const t = useT();
  const { id = '' } = useParams();
  const agent = useAgent(id);
  const back = <Link to={`/agents/${encodeURIComponent(id)}`}>← {t('agents.form.back')}</Link>;
  if (agent.isPending) return <LoadingBlock label={t('app.loading')} minHeight={480} />;
  if (agent.isError || agent.data.owner_id !== currentUserId) {
    return (
      <div className="page page--narrow">
        <PageHeader title={t('agents.title')} back={back} />
        <Alert tone="danger" live="alert">
          {agent.isError ? errorMessage(agent.error, t) : t('errors.codes.not_found')}
        </Alert>
      </div>
    );
  }
  return (
    <div className="page page--narrow">
      <PageHeader title={t('agents.form.editTitle', { name: agent.data.name })} back={back} />
      <AgentForm agent={agent.data} />
    </div>
  );
}

type Field = 'name' | 'description' | 'category' | 'framework' | 'tags';

function AgentForm({ agent }: { agent?: Agent }) {
  const t = useT();
  const id = useId();
  const navigate = useNavigate();
  const frameworks = useFrameworks();
  const create = useCreateAgent();
  const update = useUpdateAgent();
  const mutation = agent ? update : create;
  const [name, setName] = useState(agent?.name ?? '');
  const [description, setDescription] = useState(agent?.description ?? '');
  const [category, setCategory] = useState<string>(agent?.category ?? '');
  const [framework, setFramework] = useState<string>(agent?.framework ?? '');
  const [tags, setTags] = useState(agent?.tags.join(', ') ?? '');
  const [visibility, setVisibility] = useState<AgentVisibility>(agent?.visibility ?? 'private');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const refs = {
    name: useRef<HTMLInputElement>(null),
    description: useRef<HTMLTextAreaElement>(null),
    category: useRef<HTMLSelectElement>(null),
    framework: useRef<HTMLSelectElement>(null),
    tags: useRef<HTMLInputElement>(null),
  };
  const focusFirst = (found: Partial<Record<Field, string>>) => {
    const first = (['name', 'description', 'category', 'framework', 'tags'] as const).find(
      (field) => found[field],
    );
    if (first) refs[first].current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    const parsedTags = parseTags(tags);
    if (!name.trim()) found.name = t('errors.fieldRequired');
    if (!isValidCategory(category)) found.category = t('errors.fieldRequired');
    if (parsedTags === null) found.tags = t('agents.fields.tagsInvalid');
    setErrors(found);
    if (Object.keys(found).length > 0 || parsedTags === null || !isValidCategory(category))
      return focusFirst(found);
    const body: AgentBody = {
      name: name.trim(),
      description: description.trim(),
      category,
      framework: (framework || null) as AgentBody['framework'],
      tags: parsedTags,
      visibility,
    };
    // The agent's page says what happened (a notice from navigation state, not the URL).
    const onSuccess = (saved: Agent) =>
      navigate(`/agents/${encodeURIComponent(saved.agent_id)}`, {
        state: { notice: agent ? 'saved' : 'created' },
      });
    const onError = (error: unknown) => {
      const fields = fieldErrorsOf(error);
      const server: Partial<Record<Field, string>> = {};
      for (const field of ['name', 'description', 'category', 'framework'] as const) {
        if (fields[field]) server[field] = t('errors.fieldInvalid');
      }
      if (fields.tags) server.tags = t('agents.fields.tagsInvalid');
      if (hasErrorCode(error, 'conflict')) server.name = errorMessage(error, t);
      setErrors(server);
      focusFirst(server);
    };
    if (agent) update.mutate({ id: agent.agent_id, body }, { onSuccess, onError });
    else create.mutate(body, { onSuccess, onError });
  };

  const banner =
    mutation.isError &&
    !hasErrorCode(mutation.error, 'invalid_request') &&
    !hasErrorCode(mutation.error, 'conflict');
  return (
    <form className="card form" onSubmit={submit} noValidate>
      {banner ? (
        <Alert tone="danger" live="alert">
          {errorMessage(mutation.error, t)}
        </Alert>
      ) : null}
      <Input
        ref={refs.name}
        label={t('agents.fields.name')}
        value={name}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />
      <Textarea
        ref={refs.description}
        label={t('agents.fields.description')}
        optionalText={t('app.optional')}
        rows={4}
        maxLength={2000}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
      />
      <div className="form__row">
        <Select
          ref={refs.category}
          label={t('agents.fields.category')}
          placeholder="—"
          value={category}
          options={[
            ...AGENT_CATEGORIES.map((value) => ({ value, label: t(`agents.categories.${value}`) })),
            // An agent created through the API may have a category the UI does not suggest: keep it selectable.
            ...(agent && !isAgentCategory(agent.category)
              ? [{ value: agent.category, label: agent.category }]
              : []),
          ]}
          onChange={(event) => setCategory(event.target.value)}
          error={errors.category}
        />
        <Select
          ref={refs.framework}
          label={t('agents.fields.framework')}
          optionalText={t('app.optional')}
          placeholder={t('agents.fields.noFramework')}
          value={framework}
          options={(frameworks.data ?? []).map((item) => ({
            value: item.id,
            // Framework names are proper nouns; "Other" alone is a word of the reader's language.
            label: item.id === 'other' ? t('agents.fields.frameworkOther') : item.name,
          }))}
          onChange={(event) => setFramework(event.target.value)}
          error={errors.framework}
        />
      </div>
      <Input
        ref={refs.tags}
        label={t('agents.fields.tags')}
        optionalText={t('app.optional')}
        hint={t('agents.fields.tagsHint')}
        value={tags}
        autoComplete="off"
        onChange={(event) => setTags(event.target.value)}
        error={errors.tags}
      />
      <div className="field">
        <p className="field__label" id={`${id}-visibility`}>
          {t('agents.fields.visibility')}
        </p>
        <div
          className="segmented"
          role="radiogroup"
          aria-labelledby={`${id}-visibility`}
          aria-describedby={`${id}-visibility-hint`}
        >
          {(['public', 'private'] as const).map((option) => (
            <span key={option} className="segmented__item">
              <input
                type="radio"
                id={`${id}-${option}`}
                name={`${id}-visibility`}
                checked={visibility === option}
                onChange={() => setVisibility(option)}
              />
              <label htmlFor={`${id}-${option}`}>{t(`agents.visibility.${option}`)}</label>
            </span>
          ))}
        </div>
        <p className="field__hint" id={`${id}-visibility-hint`}>
          {t('agents.fields.visibilityHint')}
        </p>
      </div>
      <div className="form__actions">
        <Button type="submit" variant="primary" loading={mutation.isPending}>
          {agent ? t('agents.form.editSubmit') : t('agents.form.createSubmit')}
        </Button>
        <LinkButton to={agent ? `/agents/${encodeURIComponent(agent.agent_id)}` : '/agents'} variant="ghost">
          {t('app.cancel')}
        </LinkButton>
      </div>
    </form>
  );
}
