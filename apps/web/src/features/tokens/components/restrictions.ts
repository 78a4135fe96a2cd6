import { isApiError } from '../../../lib/api-client.ts';

/** Whether a scope list holds a scope that a repository restriction limits (repos:* or tasks:*). */
export function limitsRepositories(scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope.startsWith('repos:') || scope.startsWith('tasks:'));
}

/**
 * The networks typed in the allowed-networks box: one per line (commas and spaces separate too),
 * duplicates dropped. `null` when the box is empty: any network.
 */
export function parseNetworks(text: string): string[] | null {
  const entries = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  return entries.length > 0 ? entries : null;
}

export function networksText(cidrs: readonly string[] | null): string {
  return cidrs ? cidrs.join('\n') : '';
}

/**
 * The entries the server refused in `allowed_cidrs` (its problem+json names each by index:
 * `body.allowed_cidrs.<n>`), as they were sent. Empty when the failure was about something else.
 */
export function refusedNetworks(error: unknown, sent: readonly string[] | null): string[] {
  if (!isApiError(error) || error.code !== 'invalid_request' || !sent) return [];
  const refused: string[] = [];
  for (const fieldError of error.errors) {
    const match = /^body\.allowed_cidrs(?:\.(\d+))?$/.exec(fieldError.path);
    if (!match) continue;
    const entry = match[1] === undefined ? undefined : sent[Number(match[1])];
    refused.push(entry ?? '');
  }
  return refused;
}

/** The set of scopes a least-privilege reduction removes (what is granted but not suggested). */
export function removedScopes(granted: readonly string[], suggested: readonly string[]): string[] {
  const kept = new Set(suggested);
  return granted.filter((scope) => !kept.has(scope));
}

/** Overlap deadlines offered when regenerating (minutes), within the server's maximum. */
export const OVERLAP_CHOICES = [15, 60, 240, 720, 1440] as const;

export function overlapChoices(maxMinutes: number): number[] {
  const within = OVERLAP_CHOICES.filter((minutes) => minutes <= maxMinutes);
  return within.length > 0 ? within : [maxMinutes];
}
