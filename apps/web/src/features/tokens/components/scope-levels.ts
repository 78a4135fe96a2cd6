/**
 * Scopes are `<resource>:read` / `<resource>:write`, and write implies read (docs/api.md §3).
 * The UI shows one access level per resource — none, read, or read and write — which is
 * easier to judge than seven separate boxes.
 */
export type ScopeLevel = 'none' | 'read' | 'write';

export interface ScopeGroup {
  resource: string;
  /** The levels this resource offers, in increasing order (always starting with `none`). */
  levels: ScopeLevel[];
}

const RANK: Record<ScopeLevel, number> = { none: 0, read: 1, write: 2 };

/** Groups scope ids by resource, keeping the order in which resources first appear. */
export function groupScopes(scopeIds: readonly string[]): ScopeGroup[] {
  const groups = new Map<string, Set<ScopeLevel>>();
  for (const id of scopeIds) {
    const [resource, action] = id.split(':');
    if (!resource || (action !== 'read' && action !== 'write')) continue;
    const levels = groups.get(resource) ?? new Set<ScopeLevel>(['none']);
    levels.add(action);
    groups.set(resource, levels);
  }
  return [...groups].map(([resource, levels]) => ({
    resource,
    levels: [...levels].sort((a, b) => RANK[a] - RANK[b]),
  }));
}

/** The level a list of granted scopes gives each resource. */
export function levelsFromScopes(
  scopes: readonly string[],
  groups: readonly ScopeGroup[],
): Record<string, ScopeLevel> {
  const out: Record<string, ScopeLevel> = {};
  for (const { resource } of groups) {
    out[resource] = scopes.includes(`${resource}:write`)
      ? 'write'
      : scopes.includes(`${resource}:read`)
        ? 'read'
        : 'none';
  }
  return out;
}

/** The smallest scope list that grants the chosen levels (write alone stands for read and write). */
export function scopesFromLevels(
  levels: Record<string, ScopeLevel>,
  groups: readonly ScopeGroup[],
): string[] {
  const out: string[] = [];
  for (const { resource } of groups) {
    const level = levels[resource] ?? 'none';
    if (level !== 'none') out.push(`${resource}:${level}`);
  }
  return out;
}

/** Whether `level` is allowed when scopes may only shrink from `current`. */
export function isWithin(level: ScopeLevel, current: ScopeLevel): boolean {
  return RANK[level] <= RANK[current];
}
