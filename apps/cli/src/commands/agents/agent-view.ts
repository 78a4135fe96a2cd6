import type { Agent } from '@tessera/client';
import type { Column, Output } from '../../lib/output.ts';
import { list, shortTime } from '../../lib/output.ts';

export const AGENT_COLUMNS: Array<Column<Agent>> = [
  { header: 'id', value: (a) => a.agent_id },
  { header: 'name', value: (a) => a.name },
  { header: 'category', value: (a) => a.category },
  { header: 'framework', value: (a) => a.framework ?? '-' },
  { header: 'visibility', value: (a) => a.visibility },
  { header: 'status', value: (a) => a.status },
  { header: 'updated', value: (a) => shortTime(a.updated_at) },
];

export function printAgent(out: Output, agent: Agent) {
  out.fields([
    ['Id', agent.agent_id],
    ['Name', agent.name],
    ['Description', agent.description || '-'],
    ['Category', agent.category],
    ['Framework', agent.framework ?? '-'],
    ['Tags', list(agent.tags)],
    ['Visibility', agent.visibility],
    ['Status', agent.status],
    ['Owner', agent.owner_id],
    ['Created', shortTime(agent.created_at)],
    ['Updated', shortTime(agent.updated_at)],
  ]);
  if (agent.files.length > 0) {
    out.line();
    out.table(agent.files, [
      { header: 'file id', value: (f) => f.id },
      { header: 'name', value: (f) => f.name },
      { header: 'size', value: (f) => String(f.size) },
      { header: 'sha256', value: (f) => f.sha256 },
    ]);
  }
}

/** The agent members that `create` and `update` take as options. */
export interface AgentFieldOptions {
  name?: string;
  description?: string;
  category?: string;
  framework?: string;
  tag?: string[];
  visibility?: 'public' | 'private';
}
