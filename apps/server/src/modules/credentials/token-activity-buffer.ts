import { sql } from 'kysely';
import type { Db } from '../../platform/database/database.ts';
import { inTransaction, type Tx } from '../../platform/database/transaction.ts';
import { FlushingBuffer, type FlushingBufferOptions } from './flushing-buffer.ts';
import { NETWORKS_KEPT, sourceNetworkOf } from './network-policy.ts';

/** Distinct addresses kept per token between two flushes (more are counted on the last one). */
const ADDRESSES_PER_FLUSH = 16;
/** Tokens tracked between two flushes; beyond this, uses wait for the next interval. */
const TOKENS_PER_FLUSH = 100_000;

interface AddressUse {
  first: Date;
  last: Date;
  uses: number;
}

interface TokenActivity {
  userId: string;
  addresses: Map<string, AddressUse>;
  /** scope → uses since the last flush. */
  scopes: Map<string, number>;
  lastAt: Date;
}

/** A source network a token was seen on for the first time (not its very first use). */
export interface NewNetworkEvent {
  credentialId: string;
  userId: string;
  network: string;
  ip: string | null;
  at: Date;
}

/**
 * What PATs did, collected in memory and written in one transaction per flush (ADR 0031): the
 * source networks they came from and the scopes they exercised. Like last use (ADR 0004), never
 * a write per request; a crash loses at most one interval.
 */
export class TokenActivityBuffer extends FlushingBuffer<TokenActivity> {
  readonly stats = { failures: 0, written: 0, newNetworks: 0 };

  constructor(
    private readonly db: Db,
    private readonly options: FlushingBufferOptions & {
      onError?: (error: unknown) => void;
      /** Called inside the flush's transaction for each network new to a token (audit, notices). */
      onNewNetworks?: (tx: Tx, events: NewNetworkEvent[]) => Promise<void>;
    },
  ) {
    super(options);
  }

  private activity(credentialId: string, userId: string, at: Date): TokenActivity | undefined {
    let entry = this.pending.get(credentialId);
    if (!entry) {
      if (this.pending.size >= TOKENS_PER_FLUSH) return undefined;
      entry = { userId, addresses: new Map(), scopes: new Map(), lastAt: at };
      this.pending.set(credentialId, entry);
    }
    entry.lastAt = at;
    return entry;
  }

  /** A successful use of a PAT from an address. */
  recordAddress(credentialId: string, userId: string, ip: string | null, at: Date) {
    if (ip === null) return;
    const entry = this.activity(credentialId, userId, at);
    if (!entry) return;
    const use = entry.addresses.get(ip);
    if (use) {
      use.last = at;
      use.uses += 1;
    } else if (entry.addresses.size < ADDRESSES_PER_FLUSH) {
      entry.addresses.set(ip, { first: at, last: at, uses: 1 });
    }
  }

  /** A PAT exercised a scope (the one its route required). */
  recordScope(credentialId: string, userId: string, scope: string, at: Date) {
    const entry = this.activity(credentialId, userId, at);
    if (!entry) return;
    entry.scopes.set(scope, (entry.scopes.get(scope) ?? 0) + 1);
  }

  protected async write(batch: Map<string, TokenActivity>): Promise<boolean> {
    // Rows travel as one array per column, unnested by the statements: a fixed number of bind
    // parameters however many tokens (a VALUES list passes PostgreSQL's 65,535 at ~16,000 rows).
    const scopeRows = {
      ids: [] as string[],
      days: [] as string[],
      scopes: [] as string[],
      uses: [] as number[],
    };
    const networkUses = new Map<string, { id: string; network: string } & AddressUse & { ip: string }>();
    const userOf = new Map<string, string>();
    for (const [id, entry] of batch) {
      userOf.set(id, entry.userId);
      const day = entry.lastAt.toISOString().slice(0, 10);
      for (const [scope, uses] of entry.scopes) {
        scopeRows.ids.push(id);
        scopeRows.days.push(day);
        scopeRows.scopes.push(scope);
        scopeRows.uses.push(uses);
      }
      for (const [ip, use] of entry.addresses) {
        const network = sourceNetworkOf(ip);
        if (network === null) continue;
        const key = `${id} ${network}`;
        const seen = networkUses.get(key);
        if (!seen) networkUses.set(key, { id, network, ip, ...use });
        else {
          if (use.first < seen.first) seen.first = use.first;
          if (use.last >= seen.last) {
            seen.last = use.last;
            seen.ip = ip;
          }
          seen.uses += use.uses;
        }
      }
    }
    try {
      await inTransaction(this.db, async (tx) => {
        if (scopeRows.ids.length > 0) {
          await sql`
            insert into credential_scope_usage_daily (credential_id, day, scope, uses)
            select v.id, v.day, v.scope, v.uses
            from unnest(${scopeRows.ids}::text[], ${scopeRows.days}::date[], ${scopeRows.scopes}::text[],
                        ${scopeRows.uses}::int[]) as v(id, day, scope, uses)
            join credentials c on c.id = v.id
            on conflict (credential_id, day, scope)
            do update set uses = credential_scope_usage_daily.uses + excluded.uses`.execute(tx);
        }
        if (networkUses.size === 0) return;
        const uses = [...networkUses.values()];
        const ids = [...new Set(uses.map((u) => u.id))];
        const known = await sql<{ credential_id: string }>`
          select distinct credential_id from credential_networks
          where credential_id = any(${ids}::text[])`.execute(tx);
        const hadNetworks = new Set(known.rows.map((row) => row.credential_id));
        const column = <T>(read: (use: (typeof uses)[number]) => T) => uses.map(read);
        const upserted = await sql<{ credential_id: string; network: string; inserted: boolean }>`
          insert into credential_networks (credential_id, network, first_seen_at, last_seen_at, uses, last_ip)
          select v.id, v.network, v.first_seen, v.last_seen, v.uses, v.last_ip
          from unnest(${column((u) => u.id)}::text[], ${column((u) => u.network)}::text[],
                      ${column((u) => u.first.toISOString())}::timestamptz[],
                      ${column((u) => u.last.toISOString())}::timestamptz[], ${column((u) => u.uses)}::int[],
                      ${column((u) => u.ip)}::text[]) as v(id, network, first_seen, last_seen, uses, last_ip)
          join credentials c on c.id = v.id
          on conflict (credential_id, network) do update set
            first_seen_at = least(credential_networks.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(credential_networks.last_seen_at, excluded.last_seen_at),
            last_ip = case when excluded.last_seen_at >= credential_networks.last_seen_at
                           then excluded.last_ip else credential_networks.last_ip end,
            uses = credential_networks.uses + excluded.uses
          returning credential_id, network, (xmax = 0) as inserted`.execute(tx);
        // Keep the most recently seen networks of each token. Only a token that gained a network
        // can be over the limit: at scale most flushes carry none, and the window over every
        // token's networks was one of the heaviest statements of a flush (issue #13).
        const gained = tokensThatMayExceed(upserted.rows, hadNetworks);
        if (gained.length > 0) {
          await sql`
            delete from credential_networks n
            using (
              select credential_id, network,
                     row_number() over (partition by credential_id order by last_seen_at desc, network) as rank
              from credential_networks where credential_id = any(${gained}::text[])
            ) as ranked
            where n.credential_id = ranked.credential_id and n.network = ranked.network
              and ranked.rank > ${NETWORKS_KEPT}`.execute(tx);
        }
        const events: NewNetworkEvent[] = upserted.rows
          .filter((row) => row.inserted && hadNetworks.has(row.credential_id))
          .map((row) => {
            // Safe: every upserted row was built from these two maps just above.
            const use = networkUses.get(`${row.credential_id} ${row.network}`)!;
            return {
              credentialId: row.credential_id,
              userId: userOf.get(row.credential_id)!,
              network: row.network,
              ip: use.ip,
              at: use.first,
            };
          });
        if (events.length > 0) {
          this.stats.newNetworks += events.length;
          await this.options.onNewNetworks?.(tx, events);
        }
      });
      this.stats.written += batch.size;
      return true;
    } catch (error) {
      // Advisory data: losing one batch is better than blocking verification or growing unbounded.
      this.stats.failures += 1;
      this.options.onError?.(error);
      return false;
    }
  }
}

/**
 * Tokens that may now hold more than NETWORKS_KEPT networks: those that gained one and either had
 * networks before this flush or gained more than the limit in it.
 */
function tokensThatMayExceed(
  upserted: ReadonlyArray<{ credential_id: string; inserted: boolean }>,
  hadNetworks: ReadonlySet<string>,
): string[] {
  const gained = new Map<string, number>();
  for (const row of upserted) {
    if (row.inserted) gained.set(row.credential_id, (gained.get(row.credential_id) ?? 0) + 1);
  }
  return [...gained].filter(([id, count]) => hadNetworks.has(id) || count > NETWORKS_KEPT).map(([id]) => id);
}
