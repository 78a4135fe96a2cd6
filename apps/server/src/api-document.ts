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
  /** Sections of the reference, in reading order; tags no operation uses are left out of the document. */
  tags: [
    { name: 'meta', description: 'Health, catalogue and this document' },
    { name: 'auth', description: 'Interactive sign-in: sessions and sign-out' },
    { name: 'oauth', description: 'OAuth 2.0 for native clients: token endpoint, code + PKCE, device flow' },
    { name: 'account', description: 'The signed-in user, the account and its audit log' },
    { name: 'tokens', description: 'Personal access tokens (interactive credentials only)' },
    { name: 'agents', description: 'The agents registry' },
    {
      name: 'registry-v1',
      description:
        "The agents registry's documented `/users/…` account endpoints, in its own shapes (interactive credentials only); see docs/registry-migration.md",
    },
    { name: 'repos', description: 'Connected repositories and their automation tokens' },
    { name: 'task-groups', description: 'Task groups, their tasks and their automation token' },
    {
      name: 'provider-accounts',
      description: 'GitHub, GitLab and Bitbucket tokens, stored encrypted, never returned',
    },
    { name: 'leak-response', description: 'Secret-scanning partner alerts: leaked tokens are revoked' },
  ],
  /** `GET /api/openapi.json` itself: public, in the meta section. */
  documentRoute: { config: { auth: 'public' as const }, tags: ['meta'] },
};
