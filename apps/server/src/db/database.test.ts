import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, PREPARED, type Db } from './database.js';

const url = process.env.DATABASE_URL;

describe('prepared statements', () => {
  const opened: Db[] = [];
  const schema = `prepared_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    for (const db of opened) await db.close();
    if (!url) return;
    const admin = await openDatabase({ url });
    await admin.execScript(`drop schema if exists ${schema} cascade`);
    await admin.close();
  });

  it.runIf(url)('prepares a marked statement once per PostgreSQL connection and leaves the others unnamed', async () => {
    // One connection, so the session that prepared is the one asked.
    const db = await openDatabase({ url, poolSize: 1, schema });
    opened.push(db);
    const marked = (n: number) => sql<{ n: number }>`${sql.raw(PREPARED)} select ${n}::int + 1 as n`.execute(db.kysely);
    expect((await marked(1)).rows).toEqual([{ n: 2 }]);
    expect((await marked(41)).rows).toEqual([{ n: 42 }]);
    await sql`select ${1}::int as unmarked`.execute(db.kysely);
    const prepared = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db.kysely);
    expect(prepared.rows).toHaveLength(1);
    expect(prepared.rows[0]?.name).toMatch(/^tongli_[0-9a-f]{16}$/);
    expect(prepared.rows[0]?.statement).toContain('+ 1 as n');
    // A transaction on the same pool still works around the prepared statement.
    const inTransaction = await db.kysely
      .transaction()
      .execute((trx) => sql<{ n: number }>`${sql.raw(PREPARED)} select ${5}::int + 1 as n`.execute(trx));
    expect(inTransaction.rows).toEqual([{ n: 6 }]);
  });

  it('runs a marked statement on the embedded database as any other (the mark is a comment)', async () => {
    const db = await openDatabase({});
    opened.push(db);
    const result = await sql<{ n: number }>`${sql.raw(PREPARED)} select ${1}::int + 1 as n`.execute(db.kysely);
    expect(result.rows).toEqual([{ n: 2 }]);
  });
});
