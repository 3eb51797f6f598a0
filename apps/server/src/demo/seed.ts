import { randomBytes } from 'node:crypto';
import { createRandom, type Guidelines } from '@tongli/engine';
import { json, type Channel, type Role } from '../db/schema.js';
import type { Deps } from '../deps.js';
import type { Executor } from '../repositories/jobs.js';
import { createTeam, createUser } from '../repositories/users.js';
import { loadDemoData, type DemoData } from './demo-data.js';
import { buildHistory, insertHistory } from './history.js';
import { planConversations } from './plan.js';
import { seedSlaDemo } from '../sla/demo.js';
import { seedRoutingDemo } from '../routing/demo.js';
import { seedAutomationDemo } from '../automation/demo.js';
import { seedCsatDemo } from '../csat/demo.js';

/** One demo sign-in, printed at start so a newcomer can log in. */
export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  name: string;
}
export type DemoCredentials = DemoUser[];

export interface SeedDemoOptions {
  /** How many conversations to create (default 300). */
  conversations?: number;
  /** Seed of the generator: the same seed gives the same demo (default 20240601). */
  seed?: number;
  /** The demo's "now": conversations spread over the 14 days before it (default: the clock). */
  now?: Date;
}

/**
 * Fills an empty database with a demo organisation: staff of every role (random passwords, returned for printing),
 * teams, inboxes of every channel, canned replies, guidelines, customers and a fortnight of zh/en conversations
 * built from `scenarios.json`, already analysed and (when resolved) auto-evaluated. Does nothing and returns
 * `undefined` when the database already has users. Everything is written in one transaction, so a failed seed
 * leaves the database empty and the next start tries again.
 * @example
 * const credentials = await seedDemo(platform.deps);
 * for (const user of credentials ?? []) console.log(user.role, user.email, user.password);
 */
export async function seedDemo(deps: Deps, options: SeedDemoOptions = {}): Promise<DemoCredentials | undefined> {
  const data = loadDemoData();
  if (await hasUsers(deps.db.kysely)) return undefined;
  const plans = planConversations(data, createRandom(options.seed ?? 20240601), options.now ?? new Date(), options.conversations ?? 300);
  try {
    return await deps.db.kysely.transaction().execute(async (trx) => {
      // Another process may have seeded since the check above.
      if (await hasUsers(trx)) return undefined;
      const organisation = await insertOrganisation(trx, data);
      // The history is analysed with the organisation's guidelines, as stored (so the lexicon hash matches the
      // one the platform computes at its next start, and nothing is re-analysed).
      deps.engine.applyGuidelines(organisation.guidelines);
      await insertHistory(trx, buildHistory(deps, organisation, plans));
      await seedCsatDemo(trx, deps.engine.analyzer);
      await seedSlaDemo(trx, organisation);
      await seedRoutingDemo(trx, organisation);
      await seedAutomationDemo(trx, organisation.users.get('admin')?.id ?? null);
      return organisation.credentials;
    });
  } catch (error) {
    const latest = await deps.db.kysely.selectFrom('guidelines').select('content').orderBy('version', 'desc').limit(1).executeTakeFirst();
    deps.engine.applyGuidelines(latest?.content as Guidelines | undefined);
    throw error;
  }
}

async function hasUsers(db: Executor): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export interface SeededOrganisation {
  credentials: DemoCredentials;
  /** The guidelines as the database returns them (jsonb orders keys its own way). */
  guidelines: Guidelines;
  emailDomain: string;
  teams: Map<string, string>;
  users: Map<string, { id: string; name: string }>;
  inboxes: Map<string, { id: string; channel: Channel; team: string | null }>;
}

/** Staff, teams, inboxes, canned replies and guidelines (version 1). */
async function insertOrganisation(trx: Executor, data: DemoData): Promise<SeededOrganisation> {
  const { organisation } = data;
  const teams = new Map<string, string>();
  for (const team of organisation.teams) teams.set(team.key, (await createTeam(trx, team.name)).id);
  const accounts = organisation.staff.map((member) => ({
    member,
    email: `${member.key}@${organisation.emailDomain}`,
    password: randomBytes(12).toString('base64url'),
  }));
  // Hashing (scrypt) is the slow part: the users are created side by side.
  const users = new Map(
    await Promise.all(
      accounts.map(async ({ member, email, password }) => {
        const user = await createUser(trx, {
          email,
          name: member.name,
          role: member.role,
          password,
          locale: member.locale,
          teamIds: member.teams.map((key) => teams.get(key) ?? ''),
          ...(member.skills ? { skills: member.skills } : {}),
        });
        return [member.key, { id: user.id, name: member.name }] as const;
      }),
    ),
  );
  const credentials: DemoCredentials = accounts.map(({ member, email, password }) => ({
    email,
    password,
    role: member.role,
    name: member.name,
  }));
  const inboxes = new Map<string, { id: string; channel: Channel; team: string | null }>();
  for (const inbox of organisation.inboxes) {
    const row = await trx
      .insertInto('inboxes')
      .values({
        name: inbox.name,
        channel: inbox.channel,
        team_id: inbox.team ? (teams.get(inbox.team) ?? null) : null,
        settings: json(inbox.settings),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    inboxes.set(inbox.key, { id: row.id, channel: inbox.channel, team: inbox.team });
  }
  const admin = organisation.staff.find((s) => s.role === 'admin');
  const adminId = admin ? (users.get(admin.key)?.id ?? null) : null;
  if (data.cannedReplies.length > 0) {
    await trx
      .insertInto('canned_replies')
      .values(
        data.cannedReplies.map((r) => ({ short_code: r.shortCode, title: r.title, body: r.body, locale: r.locale, created_by: adminId })),
      )
      .execute();
  }
  const guidelines = await trx
    .insertInto('guidelines')
    .values({ content: json(data.guidelines), updated_by: adminId })
    .returning('content')
    .executeTakeFirstOrThrow();
  return { credentials, guidelines: guidelines.content as Guidelines, emailDomain: organisation.emailDomain, teams, users, inboxes };
}
