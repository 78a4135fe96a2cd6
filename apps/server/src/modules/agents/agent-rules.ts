import { catalogue } from '../../platform/catalogue.ts';

/**
 * What an agent may look like: the category rule and the limits the schemas enforce.
 *
 * A category is an open, validated slug (ADR 0017): registry clients send their own values
 * (`automation`, `other`, …). The suggested list is what `GET /api/categories` serves and what
 * the web UI offers; extending it is a code review, using a new slug is not.
 */
export const SUGGESTED_AGENT_CATEGORIES = catalogue({
  automation: 'Automation',
  coding: 'Coding',
  data: 'Data',
  devops: 'DevOps',
  research: 'Research',
  support: 'Support',
  writing: 'Writing',
  other: 'Other',
});
export const CATEGORY_MAX_LENGTH = 32;
/** Lower-case letters and digits in words joined by single hyphens: `automation`, `code-review`. */
export const CATEGORY_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
export type AgentCategory = string;

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
