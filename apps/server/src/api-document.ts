/**
 * What the OpenAPI document says about the API as a whole (platform/http/openapi.ts generates the
 * rest from the routes): its title and description, and the sections of the reference.
 */
export const API_DOCUMENT = {
  info: {
    title: 'Tessera API',
    description:
      'Personal access tokens, OAuth for native clients, and the agents registry. Errors are ' +
      'RFC 9457 problem details with a stable `code`; the OAuth token, revocation and device ' +
      'authorization endpoints answer RFC 6749 errors. Operations list the credentials they accept in `security`; ' +
      '`x-required-scopes` names the scope a bearer token needs (`account` for account management, ' +
      'which personal access and automation tokens can never hold).',
  },
  /** Sections of the reference (tag → description), in reading order; tags no operation uses are left out of the document. */
  tags: {
    meta: 'Health, catalogue and this document',
    auth: 'Interactive sign-in: sessions and sign-out',
    oauth: 'OAuth 2.0 for native clients: token endpoint, code + PKCE, device flow',
    account: 'The signed-in user, the account and its audit log',
    tokens: 'Personal access tokens (interactive credentials only)',
    agents: 'The agents registry',
    'registry-v1':
      "The agents registry's documented `/users/…` account endpoints, in its own shapes (interactive credentials only); see docs/registry-migration.md",
    repos: 'Connected repositories and their automation tokens',
    'task-groups': 'Task groups, their tasks and their automation token',
    'provider-accounts': 'GitHub, GitLab and Bitbucket tokens, stored encrypted, never returned',
    'leak-response': 'Secret-scanning partner alerts: leaked tokens are revoked',
  },
  /** `GET /api/openapi.json` itself: public, in the meta section. */
  documentRoute: { config: { auth: 'public' as const }, tags: ['meta'] },
};
