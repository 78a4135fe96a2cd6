import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statementRecorder } from '../../../test/fixtures/statement-recorder.ts';
import { newestFirst } from './newest-first.ts';
import { ownedRowQueries } from './owned-rows.ts';

interface TestDB {
  things: { id: string; owner_id: string; name: string; kind: string; created_at: Date };
  other: { id: string; thing_id: string; created_at: Date };
}

// Statements are only compiled here: the pool is never asked for.
const db = new Kysely<TestDB>({
  dialect: new PostgresDialect({
    pool: async () => {
      throw new Error('compile only');
    },
  }),
});
const things = ownedRowQueries(db, 'things', 'owner_id');

describe('ownedRowQueries and newestFirst', () => {
  it('writes the statements two .where calls would (ownership in the WHERE clause)', () => {
    const cases: Array<[{ compile(): CompiledQuery }, { compile(): CompiledQuery }]> = [
      [
        things.select(db, 't1', 'u1').where('kind', '=', 'k').forUpdate(),
        db
          .selectFrom('things')
          .selectAll()
          .where('id', '=', 't1')
          .where('owner_id', '=', 'u1')
          .where('kind', '=', 'k')
          .forUpdate(),
      ],
      [
        things.update(db, 't1', 'u1', { name: 'n' }).returningAll(),
        db
          .updateTable('things')
          .set({ name: 'n' })
          .where('id', '=', 't1')
          .where('owner_id', '=', 'u1')
          .returningAll(),
      ],
      [
        things
          .list(db, 'u1', { createdAt: new Date(0), id: 't0' })
          .where('kind', '=', 'k')
          .limit(5),
        db
          .selectFrom('things')
          .selectAll()
          .where('owner_id', '=', 'u1')
          .where((eb) =>
            eb.or([
              eb('created_at', '<', new Date(0)),
              eb.and([eb('created_at', '=', new Date(0)), eb('id', '<', 't0')]),
            ]),
          )
          .where('kind', '=', 'k')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(5),
      ],
      [
        things.list(db, 'u1'),
        db
          .selectFrom('things')
          .selectAll()
          .where('owner_id', '=', 'u1')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc'),
      ],
      [
        newestFirst(
          db.selectFrom('other').innerJoin('things', 'things.id', 'other.thing_id').select('other.id'),
          { createdAt: 'other.created_at', id: 'other.id' },
        ),
        db
          .selectFrom('other')
          .innerJoin('things', 'things.id', 'other.thing_id')
          .select('other.id')
          .orderBy('other.created_at', 'desc')
          .orderBy('other.id', 'desc'),
      ],
      [
        things.delete(db, 't1', 'u1').returning('id'),
        db.deleteFrom('things').where('id', '=', 't1').where('owner_id', '=', 'u1').returning('id'),
      ],
    ];
    for (const [helper, direct] of cases) {
      const [a, b] = [helper.compile(), direct.compile()];
      expect(a.sql).toBe(b.sql);
      expect(a.parameters).toEqual(b.parameters);
    }
  });

  it('updateRow runs the statement update(…).returningAll() would, on the given store by default', async () => {
    const recorder = statementRecorder<TestDB>();
    const recorded = ownedRowQueries(recorder.db, 'things', 'owner_id');
    const direct = db
      .updateTable('things')
      .set({ name: 'n' })
      .where('id', '=', 't1')
      .where('owner_id', '=', 'u1')
      .returningAll()
      .compile();
    expect(await recorder.statementOf(() => recorded.updateRow('t1', 'u1', { name: 'n' }))).toEqual({
      sql: direct.sql,
      parameters: direct.parameters,
    });
  });
});
