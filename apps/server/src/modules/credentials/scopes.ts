/**
 * The resource scopes of docs/api.md §3: what any credential may hold, PATs and automation tokens
 * included. `:write` implies `:read` of the same resource.
 */
export const RESOURCE_SCOPES = [
  'agents:read',
  'agents:write',
  'repos:read',
  'repos:write',
  'tasks:read',
  'tasks:write',
  'profile:read',
] as const;
export type ResourceScope = (typeof RESOURCE_SCOPES)[number];

/**
 * Account management (tokens, provider accounts, sessions, password, audit log, account deletion,
 * OAuth decisions). Only an interactive grant holds it: a web session always, an OAuth access
 * token when the user granted it; a PAT or automation token never (ADR 0013).
 */
export const ACCOUNT_SCOPE = 'account';

/** Every scope, in the canonical order the token endpoint answers them in. */
export const SCOPES = [...RESOURCE_SCOPES, ACCOUNT_SCOPE] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'agents:read': 'Read agents in the registry',
  'agents:write': 'Create, update, delete and upload agents (implies agents:read)',
  'repos:read': 'Read connected repositories',
  'repos:write': 'Manage connected repositories (implies repos:read)',
  'tasks:read': 'Read task groups and tasks',
  'tasks:write': 'Create and update task groups and tasks (implies tasks:read)',
  'profile:read': 'Read the profile of the token owner',
  account:
    'Manage the account: personal access tokens, provider accounts, sessions, password, audit log, ' +
    'account deletion (interactive sign-ins only; never a personal access or automation token)',
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

/** A scope list without repeats, in canonical order (unknown names are dropped). */
export function canonicalScopes(scopes: Iterable<string>): Scope[] {
  const wanted = new Set(scopes);
  return SCOPES.filter((scope) => wanted.has(scope));
}

/**
 * RFC 6749 §3.3 and §6: the scopes a request narrows a grant to, or null when it asks for one
 * the grant does not hold (`invalid_scope`). No scope (or an empty one) keeps the whole grant;
 * `agents:write` held covers `agents:read` asked.
 */
export function narrowScopes(held: readonly string[], scope: string | undefined): Scope[] | null {
  const asked = parseScopeParameter(scope);
  if (asked.length === 0) return canonicalScopes(held);
  const covered = expandScopes(held);
  return asked.every((name) => isScope(name) && covered.has(name)) ? canonicalScopes(asked) : null;
}

/** The names of a space-delimited `scope` parameter (RFC 6749 §3.3), without repeats. */
export function parseScopeParameter(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter(Boolean))];
}
