/** The scopes of CONTRACT §3. `:write` implies `:read` of the same resource. */
export const SCOPES = [
  'agents:read',
  'agents:write',
  'repos:read',
  'repos:write',
  'tasks:read',
  'tasks:write',
  'profile:read',
] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'agents:read': 'Read agents in the registry',
  'agents:write': 'Create, update, delete and upload agents (implies agents:read)',
  'repos:read': 'Read connected repositories',
  'repos:write': 'Manage connected repositories (implies repos:read)',
  'tasks:read': 'Read task groups and tasks',
  'tasks:write': 'Create and update task groups and tasks (implies tasks:read)',
  'profile:read': 'Read the profile of the token owner',
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Whether a set of granted scopes satisfies a required one. */
export function grantsScope(granted: readonly string[], required: Scope): boolean {
  if (granted.includes(required)) return true;
  if (required.endsWith(':read')) return granted.includes(required.replace(/:read$/, ':write'));
  return false;
}

/** The closure of a scope list under "write implies read", for comparisons such as "may only shrink". */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const out = new Set<string>(scopes);
  for (const scope of scopes) if (scope.endsWith(':write')) out.add(scope.replace(/:write$/, ':read'));
  return out;
}
