/**
 * The in-process tools' fixture: a user signed up through the API, a PAT that can read and write
 * agents, and one private agent to read back. `app` is any checkout's Fastify app (ab-cost loads two).
 */
interface Injectable {
  inject(options: {
    method?: string;
    url: string;
    headers?: Record<string, string>;
    payload?: unknown;
    // biome-ignore lint/suspicious/noExplicitAny: each checkout's app answers its own JSON shapes
  }): Promise<{ json(): any; cookies: Array<{ name: string; value: string }> }>;
}

export async function seedReader(app: Injectable, email: string) {
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: 'benchmark password 123' },
  });
  const session = signup.cookies.find((c) => c.name === 'tessera_session');
  if (!session) throw new Error('sign-up set no session cookie');
  const cookie = `tessera_session=${session.value}`;
  const pat = (
    await app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie },
      payload: { name: 'b', scopes: ['agents:read', 'agents:write', 'profile:read'] },
    })
  ).json().secret as string;
  const auth = { authorization: `Bearer ${pat}` };
  const agentId = (
    await app.inject({
      method: 'POST',
      url: '/api/agents',
      headers: auth,
      payload: { name: 'a', description: 'd', category: 'coding', tags: ['x'], visibility: 'private' },
    })
  ).json().agent_id as string;
  return { cookie, pat, auth, agentId };
}
