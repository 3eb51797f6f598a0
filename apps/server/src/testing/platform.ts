import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config.js';
import { createPlatform, type Platform, type PlatformOptions } from '../platform.js';
import { createSession, createApiToken } from '../repositories/sessions.js';
import { createTeam, createUser } from '../repositories/users.js';
import type { Role } from '../db/schema.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';

/** Which databases the shared suites run on: PGlite always, PostgreSQL when DATABASE_URL is set (CI). */
export const DATABASES: ('pglite' | 'postgres')[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestPlatform extends Platform {
  /** Signs in a new user of the role (optionally in teams); returns headers for app.request. */
  login(role: Role, teamIds?: string[]): Promise<{ id: string; headers: Record<string, string> }>;
  token(role: Role): Promise<{ headers: Record<string, string> }>;
  team(name?: string): Promise<string>;
  inbox(channel?: 'web' | 'email' | 'api' | 'import', teamId?: string | null): Promise<string>;
  request(path: string, init?: { method?: string; headers?: Record<string, string>; body?: unknown }): Promise<Response>;
}

let template: Promise<Blob> | undefined;

/** A migrated, empty embedded database as a tarball, made once per test worker. */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({});
    try {
      await migrate(db);
      return await db.dump!();
    } finally {
      await db.close();
    }
  })();
  return template;
}

/**
 * A platform on a fresh in-memory PGlite or a fresh PostgreSQL schema, without the shipped models (faster start).
 * @example
 * const t = await createTestPlatform('pglite');
 * const agent = await t.login('agent');
 */
export async function createTestPlatform(database: 'pglite' | 'postgres', options: PlatformOptions = {}): Promise<TestPlatform> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = database === 'postgres' ? process.env.DATABASE_URL : undefined;
  if (url) {
    // Each suite gets its own schema in the shared test database.
    const setup = await openDatabase({ url, schema });
    await setup.close();
  }
  const config = loadConfig(
    {},
    {
      dataDir: 'memory://',
      // Test receivers listen on loopback.
      webhooksAllowPrivate: true,
      ...(url ? { databaseUrl: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` } : {}),
    },
  );
  // PGlite suites start from one migrated copy per worker instead of migrating from scratch each time.
  const embedded = url ? undefined : await openDatabase({ template: await migratedTemplate() });
  const platform = await createPlatform(config, {
    models: false,
    pollMs: 50,
    jobThreads: 0,
    ...(embedded ? { db: embedded } : {}),
    ...options,
  });
  const db = platform.deps.db.kysely;
  let counter = 0;
  const request: TestPlatform['request'] = (path, init = {}) =>
    Promise.resolve(
      platform.app.request(path, {
        method: init.method ?? 'GET',
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
      }),
    );
  return {
    ...platform,
    request,
    close: async () => {
      await platform.close();
      if (url) {
        const cleanup = await openDatabase({ url });
        await cleanup.execScript(`drop schema if exists ${schema} cascade`);
        await cleanup.close();
      }
    },
    team: async (name) => (await createTeam(db, name ?? `team ${++counter}`)).id,
    inbox: async (channel = 'api', teamId = null) =>
      (
        await db
          .insertInto('inboxes')
          .values({ name: `${channel} ${++counter}`, channel, team_id: teamId })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    login: async (role, teamIds = []) => {
      const user = await createUser(db, {
        email: `${role}${++counter}@test.local`,
        name: `${role} ${counter}`,
        role,
        password: 'pw-not-used',
        teamIds,
      });
      const session = await createSession(db, user.id);
      return { id: user.id, headers: { cookie: `tongli_session=${session.token}`, 'x-csrf-token': session.csrfToken } };
    },
    token: async (role) => {
      const { token } = await createApiToken(db, { name: `token ${++counter}`, role, createdBy: null });
      return { headers: { authorization: `Bearer ${token}` } };
    },
  };
}
