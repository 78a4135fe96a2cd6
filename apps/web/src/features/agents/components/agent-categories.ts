import type { AgentCategory } from '../../../lib/api-types.ts';

/** The registry's categories in display order. The check below fails to compile if the API adds one. */
export const AGENT_CATEGORIES = [
  'coding',
  'data',
  'devops',
  'research',
  'support',
  'writing',
  'other',
] as const satisfies readonly AgentCategory[];

type Unlisted = Exclude<AgentCategory, (typeof AGENT_CATEGORIES)[number]>;
const everyCategoryListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCategoryListed;

export function isAgentCategory(value: string): value is AgentCategory {
  return (AGENT_CATEGORIES as readonly string[]).includes(value);
}

const TAG = /^[a-z0-9-]+$/;

/** "Code-Review, python , ,ml" → ["code-review", "python", "ml"], or null when a tag has other characters. */
export function parseTags(text: string): string[] | null {
  const tags = text
    .split(',')
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean);
  if (!tags.every((tag) => TAG.test(tag) && tag.length <= 32)) return null;
  return [...new Set(tags)];
}
