import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from './database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
// Any constant: serialises migrations when several server processes start against one PostgreSQL.
const MIGRATION_LOCK = 724_100_1;

/** Lists the migration files in order (`0001_name.sql`, …). */
export function listMigrations(dir = MIGRATIONS_DIR): { name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(`${dir}${file}`, 'utf8') }));
}

/**
 * Applies the migrations not yet applied, each atomically; forward-only.
 * @example
 * const applied = await migrate(db); // ['0001_initial']
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.execScript(
    'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
  );
  const applied: string[] = [];
  await db.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
    try {
      const rows = await sql<{ name: string }>`select name from schema_migrations`.execute(connection);
      const done = new Set(rows.rows.map((row) => row.name));
      for (const migration of listMigrations(dir)) {
        if (done.has(migration.name)) continue;
        // One simple-protocol script runs as one implicit transaction: a failing migration leaves nothing behind.
        await db.execScript(`${migration.sql}\n;insert into schema_migrations (name) values ('${migration.name}');`);
        applied.push(migration.name);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
  return applied;
}
