import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Chip } from '../../../components/ui/chip.tsx';
import { EmptyState } from '../../../components/ui/empty-state.tsx';
import { Input } from '../../../components/ui/input.tsx';
import { LinkButton } from '../../../components/ui/link-button.tsx';
import { PageHeader } from '../../../components/ui/page-header.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { Agent } from '../../../lib/api-types.ts';
import { errorMessage } from '../../../lib/error-message.ts';
import { formatRelativeTime } from '../../../lib/relative-time.ts';
import { useNow } from '../../../lib/use-now.ts';
import { type AgentFilters, useAgents } from '../api/list-agents.ts';
import { AGENT_CATEGORIES, isAgentCategory, isValidCategory } from './agent-categories.ts';

/** Filters live in the address, so that a search can be shared, reloaded and gone back to. */
function filtersFrom(params: URLSearchParams): AgentFilters {
  const filters: AgentFilters = {};
  const q = params.get('q')?.trim();
  if (q) filters.q = q;
  const category = params.get('category');
  if (category && isValidCategory(category)) filters.category = category;
  const tag = params.get('tag')?.trim().toLowerCase();
  if (tag) filters.tag = tag;
  if (params.get('mine') === 'true') filters.mine = true;
  return filters;
}

function AgentFilterForm({
  filters,
  onApply,
}: {
  filters: AgentFilters;
  onApply: (params: URLSearchParams) => void;
}) {
  const t = useT();
  const id = useId();
  const [draft, setDraft] = useState({
    q: filters.q ?? '',
    category: filters.category ?? '',
    tag: filters.tag ?? '',
    mine: filters.mine ?? false,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.q.trim()) next.set('q', draft.q.trim());
    if (draft.category) next.set('category', draft.category);
    if (draft.tag.trim()) next.set('tag', draft.tag.trim().toLowerCase());
    if (draft.mine) next.set('mine', 'true');
    onApply(next);
  };

  return (
    <search aria-label={t('agents.filters')}>
      <form className="filters card" onSubmit={apply}>
        <Input
          label={t('agents.search')}
          type="search"
          placeholder={t('agents.searchPlaceholder')}
          value={draft.q}
          maxLength={100}
          onChange={(event) => setDraft({ ...draft, q: event.target.value })}
          fieldClassName="filters__q"
        />
        <Select
          label={t('agents.category')}
          value={draft.category}
          placeholder={t('agents.allCategories')}
          options={AGENT_CATEGORIES.map((category) => ({
            value: category,
            label: t(`agents.categories.${category}`),
          }))}
          onChange={(event) => setDraft({ ...draft, category: event.target.value })}
        />
        <Input
          label={t('agents.tag')}
          value={draft.tag}
          maxLength={32}
          onChange={(event) => setDraft({ ...draft, tag: event.target.value })}
        />
        <label className="checkbox filters__mine" htmlFor={`${id}-mine`}>
          <input
            id={`${id}-mine`}
            type="checkbox"
            checked={draft.mine}
            onChange={(event) => setDraft({ ...draft, mine: event.target.checked })}
          />
          {t('agents.mine')}
        </label>
        <Button type="submit" className="filters__submit">
          {t('agents.apply')}
        </Button>
      </form>
    </search>
  );
}

export function AgentsPage({ currentUserId }: { currentUserId: string | undefined }) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const agents = useAgents(filters);
  const list = agents.data?.pages.flatMap((page) => page.agents);
  return (
    <div className="page">
      <PageHeader
        title={t('agents.title')}
        description={t('agents.intro')}
        actions={
          <LinkButton to="/agents/new" variant="primary">
            {t('agents.create')}
          </LinkButton>
        }
      />
      {/* Keyed by the address: going back or forward resets the fields to that search. */}
      <AgentFilterForm key={params.toString()} filters={filters} onApply={setParams} />
      {agents.isError && !list ? (
        <Alert
          tone="danger"
          live="alert"
          action={<Button onClick={() => agents.refetch()}>{t('app.retry')}</Button>}
        >
          {errorMessage(agents.error, t)}
        </Alert>
      ) : agents.isPending ? (
        <ul className="agent-grid" aria-busy="true" aria-label={t('agents.resultsCaption')}>
          {[0, 1, 2, 3, 4, 5].map((index) => (
            <li key={index} className="card agent-card agent-card--placeholder" aria-hidden="true">
              <span className="skeleton" />
              <span className="skeleton" />
              <span className="skeleton skeleton--short" />
            </li>
          ))}
        </ul>
      ) : list && list.length === 0 ? (
        <div className="card">
          <EmptyState title={t('agents.empty.title')} description={t('agents.empty.description')} />
        </div>
      ) : (
        <>
          <ul className="agent-grid" aria-label={t('agents.resultsCaption')}>
            {list?.map((agent) => (
              <AgentCard key={agent.agent_id} agent={agent} mine={agent.owner_id === currentUserId} />
            ))}
          </ul>
          <div className="list-footer">
            {agents.hasNextPage ? (
              <Button onClick={() => agents.fetchNextPage()} loading={agents.isFetchingNextPage}>
                {t('app.loadMore')}
              </Button>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}

function AgentCard({ agent, mine }: { agent: Agent; mine: boolean }) {
  const t = useT();
  const [language] = useLanguage();
  const now = useNow(60_000);
  return (
    <li className="card agent-card">
      <div className="agent-card__head">
        <h2 className="agent-card__name">
          <Link to={`/agents/${encodeURIComponent(agent.agent_id)}`} className="row-link stretched-link">
            {agent.name}
          </Link>
        </h2>
        <span className="inline-chips">
          {mine ? <Chip tone="info">{t('agents.page.owner')}</Chip> : null}
          {agent.visibility === 'private' ? <Chip>{t('agents.visibility.private')}</Chip> : null}
          {agent.status === 'draft' ? <Chip tone="warning">{t('agents.status.draft')}</Chip> : null}
        </span>
      </div>
      <p className="agent-card__description clamp-2">{agent.description || '\u00a0'}</p>
      <div className="agent-card__meta">
        <span className="inline-chips">
          <Chip>
            {isAgentCategory(agent.category) ? t(`agents.categories.${agent.category}`) : agent.category}
          </Chip>
          {agent.tags.slice(0, 4).map((tag) => (
            <Chip key={tag} tone="info">
              #{tag}
            </Chip>
          ))}
        </span>
        <span className="muted small">
          {t('agents.page.updated', { when: formatRelativeTime(agent.updated_at, now, language) })}
        </span>
      </div>
    </li>
  );
}
