import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDialect } from './pglite-dialect.js';

interface Table {
  counter: { id: number; n: number };
}

describe('PGlite dialect lock', () => {
  let db: Kysely<Table>;
  beforeAll(async () => {
    db = new Kysely<Table>({ dialect: createPgliteDialect(new PGlite()) });
    await sql`create table counter (id int primary key, n int not null)`.execute(db);
    await db.insertInto('counter').values({ id: 1, n: 0 }).execute();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('runs transactions interleaved with outside queries one at a time, none waiting forever', async () => {
    const increments = Array.from({ length: 100 }, (_, i) =>
      i % 3 === 0
        ? db.selectFrom('counter').select('n').execute()
        : db.transaction().execute(async (trx) => {
            const { n } = await trx.selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow();
            // Yield between the read and the write: an outside query slipping in here would see a half-done transaction.
            await new Promise((resolve) => setImmediate(resolve));
            await trx
              .updateTable('counter')
              .set({ n: n + 1 })
              .where('id', '=', 1)
              .execute();
          }),
    );
    await Promise.all(increments);
    const { n } = await db.selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(n).toBe(increments.filter((_, i) => i % 3 !== 0).length);
  });

  it('hands the connection on after a transaction that failed', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('counter').set({ n: -1 }).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const [row] = await Promise.all([
      db.selectFrom('counter').select('n').executeTakeFirstOrThrow(),
      db.transaction().execute((trx) => trx.selectFrom('counter').select('n').execute()),
    ]);
    expect(row.n).toBeGreaterThanOrEqual(0);
  });
});
