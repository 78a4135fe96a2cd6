/**
 * The suggested categories in display order (the server's `GET /api/categories`; ADR 0017). The
 * API accepts any slug, so an agent may carry another category: it is shown as written.
 */
export const AGENT_CATEGORIES = [
  'automation',
  'coding',
  'data',
  'devops',
  'research',
  'support',
  'writing',
  'other',
] as const;
export type SuggestedCategory = (typeof AGENT_CATEGORIES)[number];

export function isAgentCategory(value: string): value is SuggestedCategory {
  return (AGENT_CATEGORIES as readonly string[]).includes(value);
}

const CATEGORY = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** What the API accepts as a category: lower-case letters and digits joined by single hyphens, up to 32. */
export function isValidCategory(value: string): boolean {
  return value.length <= 32 && CATEGORY.test(value);
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
