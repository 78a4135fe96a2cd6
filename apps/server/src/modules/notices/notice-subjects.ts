/** The subject of a notice about an automation token (its name names the task group). */
export function automationSubject(row: { id: string; name: string | null; preview: string }) {
  return { type: 'automation_token' as const, id: row.id, name: row.name, preview: row.preview };
}

/** The subject of a notice about a personal access token. */
export function patSubject(row: { id: string; name: string | null; preview: string }) {
  return { type: 'personal_access_token' as const, id: row.id, name: row.name, preview: row.preview };
}
