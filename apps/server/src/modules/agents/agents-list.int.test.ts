import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAgent, expectProblem, type Headers } from '../../../test/agent-helpers.ts';
import { createPat } from '../../../test/fixtures/index.ts';
import { accessTokenFor, bearer, signUp, testClock, useTestApp } from '../../../test/harness.ts';

const clock = testClock(new Date('2025-04-01T08:00:00.000Z'));

const ctx = useTestApp({ clock });

interface ListedAgent {
  agent_id: string;
  name: string;
  created_at: string;
  owner_id: string;
  visibility: string;
}

async function freshUser(): Promise<{ id: string; auth: Headers; cookie: string }> {
  const user = await signUp(ctx.app);
  const { access_token } = await accessTokenFor(ctx.app, user);
  return { id: user.id, cookie: user.cookie, auth: bearer(access_token) };
}

async function list(auth: Headers, query: Record<string, string>) {
  const response = await ctx.app.inject({ method: 'GET', url: '/api/agents', headers: auth, query });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { agents: ListedAgent[]; next_cursor: string | null };
}

/** Follows next_cursor to the end; returns every agent in the order served. */
async function listAll(
  auth: Headers,
  query: Record<string, string>,
  onPage?: (page: number) => Promise<void>,
) {
  const seen: ListedAgent[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(auth, cursor ? { ...query, cursor } : query);
    seen.push(...page.agents);
    cursor = page.next_cursor;
    pages += 1;
    if (onPage) await onPage(pages);
    expect(pages).toBeLessThan(1000);
  } while (cursor);
  return { seen, pages };
}

const newestFirst = (a: ListedAgent, b: ListedAgent) =>
  a.created_at === b.created_at ? (a.agent_id < b.agent_id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

const ids = (agents: ListedAgent[]) => agents.map((agent) => agent.agent_id);

describe('paging', () => {
  it('pages through 250 agents, many created in the same millisecond, without duplicates or gaps', async () => {
    const user = await freshUser();
    const created: ListedAgent[] = [];
    for (let i = 0; i < 250; i += 1) {
      // Ties on created_at in groups of three, so the id must break them.
      if (i % 3 === 0) clock.advance(1);
      created.push((await createAgent(ctx.app, user.auth, { name: `Agent ${i}` })) as unknown as ListedAgent);
    }
    const expected = [...created].sort(newestFirst);

    for (const limit of ['7', '100']) {
      const { seen, pages } = await listAll(user.auth, { mine: 'true', limit });
      expect(new Set(ids(seen)).size).toBe(250);
      expect(ids(seen)).toEqual(ids(expected));
      expect(pages).toBe(Math.ceil(250 / Number(limit)));
    }
  });

  it('serves 20 by default, with next_cursor null on the last page', async () => {
    const user = await freshUser();
    for (let i = 0; i < 21; i += 1) await createAgent(ctx.app, user.auth);
    const first = await list(user.auth, { mine: 'true' });
    expect(first.agents).toHaveLength(20);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await list(user.auth, { mine: 'true', cursor: first.next_cursor! });
    expect(second.agents).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const exact = await list(user.auth, { mine: 'true', limit: '21' });
    expect(exact.agents).toHaveLength(21);
    expect(exact.next_cursor).toBeNull();
  });

  it('neither skips nor repeats when agents are deleted or created between pages', async () => {
    const user = await freshUser();
    const created: ListedAgent[] = [];
    for (let i = 0; i < 12; i += 1) {
      clock.advance(1);
      created.push(
        (await createAgent(ctx.app, user.auth, { name: `Moving ${i}` })) as unknown as ListedAgent,
      );
    }
    const expected = [...created].sort(newestFirst);
    const deleted = new Set([expected[2]!.agent_id, expected[3]!.agent_id]);
    let newcomer = '';
    const { seen } = await listAll(user.auth, { mine: 'true', limit: '3' }, async (page) => {
      if (page !== 1) return;
      // The last agent of page 1 (the cursor's own position) and the first of page 2 go away,
      // and a newer agent arrives; neither may disturb the pages still to come.
      for (const id of deleted) {
        const response = await ctx.app.inject({
          method: 'DELETE',
          url: `/api/agents/${id}`,
          headers: user.auth,
        });
        expect(response.statusCode).toBe(204);
      }
      clock.advance(1);
      newcomer = (await createAgent(ctx.app, user.auth)).agent_id;
    });
    const expectedSeen = [
      ...ids(expected.slice(0, 3)),
      ...ids(expected.slice(3)).filter((id) => !deleted.has(id)),
    ];
    expect(ids(seen)).toEqual(expectedSeen);
    expect(ids(seen)).not.toContain(newcomer);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of nonsense', Buffer.from('hello').toString('base64url')],
    ['a position without an id', Buffer.from('1700000000000:').toString('base64url')],
    ['a non-numeric time', Buffer.from('yesterday:agt_x').toString('base64url')],
    ['a negative time', Buffer.from('-5:agt_x').toString('base64url')],
    ['an id with SQL in it', Buffer.from("1:agt_x' or '1'='1").toString('base64url')],
    ['padding in the base64', `${Buffer.from('1:agt_x').toString('base64url')}==`],
    ['201 characters', 'A'.repeat(201)],
    ['a far-future time (issue 10 item 7)', Buffer.from('999999999999999:agt_x').toString('base64url')],
    ['an unsigned well-formed position', Buffer.from('1700000000000:agt_x').toString('base64url')],
  ])('refuses a cursor that is %s with 400 invalid_request', async (_label, cursor) => {
    const user = await freshUser();
    const body = expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/agents', headers: user.auth, query: { cursor } }),
      400,
      'invalid_request',
    );
    expect(body.errors?.map((e) => e.path)).toContain('query.cursor');
  });

  it.each([
    ['limit=0', { limit: '0' }, 'query.limit'],
    ['limit=101', { limit: '101' }, 'query.limit'],
    ['limit=ten', { limit: 'ten' }, 'query.limit'],
    ['a category that is not a slug', { category: 'Board Games' }, 'query.category'],
    ['an upper-case tag', { tag: 'Docs' }, 'query.tag'],
    ['mine=maybe', { mine: 'maybe' }, 'query.mine'],
    ['a 101-character q', { q: 'q'.repeat(101) }, 'query.q'],
    ['an unknown parameter', { page: '2' }, 'query.page'],
  ])('refuses %s with 400 invalid_request naming the parameter', async (_label, query, path) => {
    const user = await freshUser();
    const body = expectProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/agents', headers: user.auth, query }),
      400,
      'invalid_request',
    );
    expect(body.errors?.map((e) => e.path)).toContain(path);
  });
});

describe('search and filters', () => {
  it('finds words in the name or the description, whatever their case', async () => {
    const user = await freshUser();
    const marker = `mk${randomBytes(4).toString('hex')}`;
    const byName = await createAgent(ctx.app, user.auth, { name: `Release ${marker.toUpperCase()} Writer` });
    const byDescription = await createAgent(ctx.app, user.auth, { description: `Writes ${marker} notes` });
    await createAgent(ctx.app, user.auth, { name: 'Unrelated', description: 'Nothing to see' });
    const found = await list(user.auth, { q: marker, limit: '100' });
    expect(ids(found.agents).sort()).toEqual([byName.agent_id, byDescription.agent_id].sort());
    const blank = await list(user.auth, { q: '   ', mine: 'true' });
    expect(blank.agents).toHaveLength(3);
  });

  it('takes %, _ and \\ in q literally (no LIKE wildcard injection)', async () => {
    const user = await freshUser();
    const names = ['100% done', '100 done', 'a_b', 'axb', 'back\\slash', 'backslash', '%%%'];
    const byName = new Map<string, string>();
    for (const name of names) byName.set(name, (await createAgent(ctx.app, user.auth, { name })).agent_id);
    const search = async (q: string) =>
      (await list(user.auth, { q, mine: 'true', limit: '100' })).agents.map((a) => a.name).sort();

    expect(await search('%')).toEqual(['%%%', '100% done']);
    expect(await search('100%')).toEqual(['100% done']);
    expect(await search('a_b')).toEqual(['a_b']);
    expect(await search('_')).toEqual(['a_b']);
    expect(await search('\\')).toEqual(['back\\slash']);
    expect(await search('%%%')).toEqual(['%%%']);
    expect(await search("' or 1=1 --")).toEqual([]);
  });

  it('filters by category, tag and mine, and combines them', async () => {
    const user = await freshUser();
    const other = await freshUser();
    const marker = `mk${randomBytes(4).toString('hex')}`;
    const etl = await createAgent(ctx.app, user.auth, {
      name: marker,
      category: 'data',
      tags: ['etl', 'sql'],
    });
    const report = await createAgent(ctx.app, user.auth, {
      name: marker,
      category: 'data',
      tags: ['reports'],
    });
    const deploy = await createAgent(ctx.app, user.auth, { name: marker, category: 'devops', tags: ['etl'] });
    const theirs = await createAgent(ctx.app, other.auth, { name: marker, category: 'data', tags: ['etl'] });

    const query = async (extra: Record<string, string>) =>
      ids((await list(user.auth, { q: marker, limit: '100', ...extra })).agents).sort();
    expect(await query({})).toEqual([etl.agent_id, report.agent_id, deploy.agent_id, theirs.agent_id].sort());
    expect(await query({ category: 'data' })).toEqual(
      [etl.agent_id, report.agent_id, theirs.agent_id].sort(),
    );
    expect(await query({ tag: 'etl' })).toEqual([etl.agent_id, deploy.agent_id, theirs.agent_id].sort());
    expect(await query({ tag: 'et' })).toEqual([]);
    expect(await query({ category: 'data', tag: 'etl' })).toEqual([etl.agent_id, theirs.agent_id].sort());
    expect(await query({ category: 'data', tag: 'etl', mine: 'true' })).toEqual([etl.agent_id]);
    expect(await query({ mine: 'true' })).toEqual([etl.agent_id, report.agent_id, deploy.agent_id].sort());
    expect(await query({ mine: 'false' })).toHaveLength(4);
  });

  it("lists public agents and the caller's own, never another user's private one, under any filter", async () => {
    const owner = await freshUser();
    const viewer = await freshUser();
    const marker = `mk${randomBytes(4).toString('hex')}`;
    const open = await createAgent(ctx.app, owner.auth, { name: marker, visibility: 'public', tags: ['x'] });
    const closed = await createAgent(ctx.app, owner.auth, {
      name: marker,
      visibility: 'private',
      tags: ['x'],
    });
    const viewersOwn = await createAgent(ctx.app, viewer.auth, {
      name: marker,
      visibility: 'private',
      tags: ['x'],
    });

    const queries: Array<Record<string, string>> = [
      { q: marker },
      { q: marker, tag: 'x' },
      { q: marker, category: 'writing' },
    ];
    for (const query of queries) {
      expect(ids((await list(viewer.auth, { ...query, limit: '100' })).agents).sort()).toEqual(
        [open.agent_id, viewersOwn.agent_id].sort(),
      );
      expect(ids((await list(owner.auth, { ...query, limit: '100' })).agents).sort()).toEqual(
        [open.agent_id, closed.agent_id].sort(),
      );
    }
  });

  it('lists with a PAT holding agents:read only', async () => {
    const user = await signUp(ctx.app);
    const agent = await createAgent(ctx.app, { cookie: user.cookie }, { visibility: 'private' });
    const reader = bearer(
      (await createPat(ctx.app, user, { scopes: ['agents:read'], expires_in_days: 7 })).secret,
    );
    const page = await list(reader, { mine: 'true' });
    expect(ids(page.agents)).toEqual([agent.agent_id]);
  });
});
