/**
 * What an agent may look like: the fixed category list and the limits the schemas enforce.
 * The category list is part of the API (an enum in OpenAPI); extending it is a code review.
 */
export const AGENT_CATEGORIES = [
  'coding',
  'data',
  'devops',
  'research',
  'support',
  'writing',
  'other',
] as const;
export type AgentCategory = (typeof AGENT_CATEGORIES)[number];

export const AGENT_VISIBILITIES = ['public', 'private'] as const;
export type AgentVisibility = (typeof AGENT_VISIBILITIES)[number];

/** Derived, not stored: an agent is a `draft` until it has at least one uploaded file. */
export const AGENT_STATUSES = ['draft', 'ready'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const NAME_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const TAGS_MAX = 20;
export const TAG_MAX_LENGTH = 32;
export const TAG_PATTERN = '^[a-z0-9-]+$';
export const QUERY_MAX_LENGTH = 100;
export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

/** Tags in the order given, each once. */
export function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

/** A search string as a LIKE pattern matching it literally anywhere: `%`, `_` and `\` lose their meaning. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
