/** The SQL Tessera runs for GET /api/agents/{id} (apps/server/src/modules/agents/agents.repository.ts), for the baselines. */
export const AGENT_VISIBLE_WITH_FILES = `
  select a.id, a.owner_id, a.name, a.description, a.category, a.framework, a.tags, a.visibility,
         a.created_at, a.updated_at,
         coalesce((select json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size, 'sha256', f.sha256)
                                   order by f.created_at, f.id)
                   from agent_files f where f.agent_id = a.id), '[]'::json) as files
  from agents a
  where a.id = $1 and (a.visibility = 'public' or a.owner_id = $2)`;

/** The same response shape Tessera serializes. */
// biome-ignore lint/suspicious/noExplicitAny: a row straight from the driver
export function agentView(row: any) {
  return {
    agent_id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    framework: row.framework,
    tags: row.tags,
    visibility: row.visibility,
    status: row.files.length > 0 ? 'ready' : 'draft',
    owner_id: row.owner_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    // biome-ignore lint/suspicious/noExplicitAny: JSON from the database
    files: row.files.map((f: any) => ({ id: f.id, name: f.name, size: Number(f.size), sha256: f.sha256 })),
  };
}
