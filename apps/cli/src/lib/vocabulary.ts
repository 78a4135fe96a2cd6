/**
 * The closed and suggested values the CLI's help and hints list. They mirror the server
 * (`credentials/scopes.ts`, `agents/agent-rules.ts`); the CLI test compares the help text with
 * the server's lists, so a new scope or suggestion cannot be forgotten here.
 */

/** The scope that lets a login manage the account: tokens, provider accounts, sessions (ADR 0013). */
export const ACCOUNT_SCOPE = 'account';

/** Every scope a personal access token may hold (never `account`, docs/api.md §3). */
export const TOKEN_SCOPES = [
  'agents:read',
  'agents:write',
  'repos:read',
  'repos:write',
  'tasks:read',
  'tasks:write',
  'profile:read',
] as const;

/** Every scope an interactive login may ask for: the account and every resource. */
export const LOGIN_SCOPES = [ACCOUNT_SCOPE, ...TOKEN_SCOPES] as const;

/** The suggested agent categories (ADR 0017); any other lower-case slug is accepted too. */
export const SUGGESTED_CATEGORIES = [
  'automation',
  'coding',
  'data',
  'devops',
  'research',
  'support',
  'writing',
  'other',
] as const;

export const CATEGORY_HELP =
  `one of the suggested ${SUGGESTED_CATEGORIES.join(', ')} — ` +
  'or any lower-case slug (a-z, 0-9, single hyphens, at most 32 characters)';
