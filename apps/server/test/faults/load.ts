/**
 * A bounded write+read load from a few concurrent clients (creates, rotations, revocations and
 * verified reads), with a ledger of what the server acknowledged. Afterwards `checkLedger` proves
 * that nothing acknowledged was lost and nothing revoked was served.
 */
export interface LoadUser {
  cookie: string;
}

export interface Ledger {
  /** Acknowledged (2xx) token creations: id → the user's cookie. */
  created: Map<string, string>;
  /** Tokens still live as far as the clients know: id → current secret. */
  live: Map<string, string>;
  /** Acknowledged revocations: id → when the 204 arrived. */
  revoked: Map<string, number>;
  /** Secrets that stopped working (revoked, or rotated away): secret → when that was acknowledged. */
  dead: Map<string, number>;
  /** Broken promises seen during the load: a 500, or a dead secret served after its acknowledgement. */
  violations: string[];
  /** Answers by operation and status (`read:200`, `create:503`, `revoke:error`, …). */
  statuses: Record<string, number>;
}

export function newLedger(): Ledger {
  return {
    created: new Map(),
    live: new Map(),
    revoked: new Map(),
    dead: new Map(),
    violations: [],
    statuses: {},
  };
}

type Op = 'create' | 'rotate' | 'revoke' | 'read' | 'read-dead';

async function call(ledger: Ledger, op: Op, url: string, init: RequestInit): Promise<Response | undefined> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const key = `${op}:${response.status}`;
    ledger.statuses[key] = (ledger.statuses[key] ?? 0) + 1;
    // 503 (unavailable) and 507 (the store is full) are deliberate answers; any other 5xx is a bug.
    if (response.status >= 500 && response.status !== 503 && response.status !== 507) {
      ledger.violations.push(`${op} ${url} answered ${response.status}: ${await response.text()}`);
    }
    if (response.status === 503 && !response.headers.get('retry-after')) {
      ledger.violations.push(`${op} ${url} answered 503 without Retry-After`);
    }
    if (
      response.status >= 400 &&
      !response.headers.get('content-type')?.includes('application/problem+json')
    ) {
      ledger.violations.push(
        `${op} ${url} answered ${response.status} as ${response.headers.get('content-type')}, not problem+json`,
      );
    }
    return response;
  } catch {
    ledger.statuses[`${op}:error`] = (ledger.statuses[`${op}:error`] ?? 0) + 1;
    return undefined;
  }
}

function pick<T>(items: T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
}

async function step(base: () => string, user: LoadUser, ledger: Ledger, mine: Set<string>) {
  const json = { 'content-type': 'application/json', cookie: user.cookie };
  const roll = Math.random();
  const liveIds = [...mine].filter((id) => ledger.live.has(id));
  if (roll < 0.3 || liveIds.length < 2) {
    const response = await call(ledger, 'create', `${base()}/api/account/tokens`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: `load-${Math.random().toString(36).slice(2, 10)}`,
        scopes: ['profile:read'],
      }),
    });
    if (response?.status === 201) {
      const { token, secret } = (await response.json()) as { token: { id: string }; secret: string };
      ledger.created.set(token.id, user.cookie);
      ledger.live.set(token.id, secret);
      mine.add(token.id);
    }
  } else if (roll < 0.42) {
    const id = pick(liveIds)!;
    const old = ledger.live.get(id)!;
    const response = await call(ledger, 'rotate', `${base()}/api/account/tokens/${id}/rotate`, {
      method: 'POST',
      headers: { cookie: user.cookie },
    });
    if (response?.status === 200 || response?.status === 201) {
      const { secret } = (await response.json()) as { secret: string };
      ledger.dead.set(old, Date.now());
      ledger.live.set(id, secret);
    } else if (response === undefined || response.status >= 500) {
      // Unknown outcome: the old secret may or may not work; stop using it either way.
      ledger.live.delete(id);
    }
  } else if (roll < 0.54) {
    const id = pick(liveIds)!;
    const secret = ledger.live.get(id)!;
    ledger.live.delete(id);
    const response = await call(ledger, 'revoke', `${base()}/api/account/tokens/${id}`, {
      method: 'DELETE',
      headers: { cookie: user.cookie },
    });
    if (response?.status === 204) {
      ledger.revoked.set(id, Date.now());
      ledger.dead.set(secret, Date.now());
    }
  } else if (roll < 0.9) {
    const id = pick(liveIds)!;
    const secret = ledger.live.get(id)!;
    await call(ledger, 'read', `${base()}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
  } else {
    const dead = pick([...ledger.dead.keys()]);
    if (!dead) return;
    const startedAt = Date.now();
    const response = await call(ledger, 'read-dead', `${base()}/api/me`, {
      headers: { authorization: `Bearer ${dead}` },
    });
    if (response?.status === 200 && startedAt > ledger.dead.get(dead)!) {
      ledger.violations.push(`a revoked or rotated-away secret was served at ${base()}`);
    }
  }
}

/**
 * Runs `clients` sequential clients (client i acts for users[i % users.length] against
 * bases()[i % n]) until `until` resolves. Each pauses briefly between requests: the load is
 * bounded, not a benchmark.
 */
export async function runLoad(options: {
  bases: () => string[];
  users: LoadUser[];
  clients: number;
  ledger: Ledger;
  until: Promise<unknown>;
  pauseMs?: number;
}): Promise<void> {
  let stopped = false;
  void options.until.finally(() => {
    stopped = true;
  });
  await Promise.all(
    Array.from({ length: options.clients }, async (_, i) => {
      const user = options.users[i % options.users.length]!;
      const mine = new Set<string>();
      const base = () => {
        const bases = options.bases();
        return bases[i % bases.length]!;
      };
      while (!stopped) {
        await step(base, user, options.ledger, mine);
        await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 10));
      }
    }),
  );
}

/**
 * `runLoad` in the background with a ledger of its own, until `stop()`, which resolves once every
 * client has finished its last request.
 */
export function startLoad(options: Omit<Parameters<typeof runLoad>[0], 'ledger' | 'until'>) {
  const ledger = newLedger();
  let end!: () => void;
  const running = runLoad({
    ...options,
    ledger,
    until: new Promise<void>((resolve) => {
      end = resolve;
    }),
  });
  return {
    ledger,
    async stop() {
      end();
      await running;
    },
  };
}

/** After the fault: every acknowledged create is there, every acknowledged revoke holds, no dead secret works. */
export async function checkLedger(base: string, ledger: Ledger): Promise<string[]> {
  const problems = [...ledger.violations];
  const byCookie = new Map<string, Map<string, string>>();
  for (const cookie of new Set(ledger.created.values())) {
    const response = await fetch(`${base}/api/account/tokens`, { headers: { cookie } });
    if (response.status !== 200) {
      problems.push(`listing tokens answered ${response.status}`);
      continue;
    }
    const { tokens } = (await response.json()) as { tokens: Array<{ id: string; status: string }> };
    byCookie.set(cookie, new Map(tokens.map((t) => [t.id, t.status])));
  }
  for (const [id, cookie] of ledger.created) {
    const status = byCookie.get(cookie)?.get(id);
    if (status === undefined) problems.push(`acknowledged token ${id} is missing`);
    else if (ledger.revoked.has(id) && status !== 'revoked')
      problems.push(`acknowledged revoke of ${id} was lost (${status})`);
  }
  for (const secret of ledger.dead.keys()) {
    const response = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    if (response.status !== 401) problems.push(`a dead secret answered ${response.status}`);
  }
  for (const secret of ledger.live.values()) {
    const response = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
    if (response.status !== 200) problems.push(`a live secret answered ${response.status}`);
  }
  return problems;
}
