import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

type Json = Record<string, unknown>;
const body = async <T = Json>(res: Response): Promise<T> => (await res.json()) as T;

describe.each(DATABASES)('platform administration on %s', (database) => {
  let t: TestPlatform;
  let admin: { id: string; headers: Record<string, string> };
  let agent: { id: string; headers: Record<string, string> };
  beforeAll(async () => {
    t = await createTestPlatform(database, { jobs: false });
    admin = await t.login('admin');
    agent = await t.login('agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps agents out of admin routes and lets admins in (role matrix)', async () => {
    const adminOnly: [string, string, unknown?][] = [
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens', { name: 'x', role: 'agent' }],
      ['GET', '/api/webhooks'],
      ['POST', '/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['*'] }],
      ['GET', '/api/audit'],
      ['POST', '/api/users', { email: 'x@test.local', name: 'X', role: 'agent', password: 'long-enough-pw' }],
      ['POST', '/api/teams', { name: 'matrix team' }],
      ['POST', '/api/inboxes', { name: 'matrix inbox', channel: 'api' }],
      ['PUT', '/api/guidelines', { dontSay: [] }],
      ['POST', '/api/canned-replies', { shortCode: 'matrix', title: 'T', body: 'B' }],
    ];
    for (const [method, path, payload] of adminOnly) {
      const res = await t.request(path, { method, headers: agent.headers, body: payload });
      expect([method, path, res.status]).toEqual([method, path, 403]);
      expect((await body<{ error: { code: string } }>(res)).error.code).toBe('forbidden');
    }
    for (const [method, path, payload] of adminOnly) {
      const res = await t.request(path, { method, headers: admin.headers, body: payload });
      expect([method, path, res.status]).toEqual([method, path, method === 'GET' ? 200 : method === 'PUT' ? 200 : 201]);
    }
    // Everyone signed in may read these (agents need colleagues, teams, inboxes, guidelines, canned replies).
    for (const path of ['/api/users', '/api/teams', '/api/inboxes', '/api/guidelines', '/api/guidelines/history', '/api/canned-replies']) {
      expect([path, (await t.request(path, { headers: agent.headers })).status]).toEqual([path, 200]);
    }
    expect((await t.request('/api/users')).status).toBe(401);
  });

  it('documents every admin route in OpenAPI', async () => {
    const spec = await body<{ paths: Record<string, unknown> }>(await t.request('/api/openapi.json'));
    for (const path of [
      '/api/users',
      '/api/users/{id}/disable',
      '/api/teams/{id}/members',
      '/api/inboxes',
      '/api/tokens/{id}',
      '/api/webhooks/{id}/deliveries/{deliveryId}/redeliver',
      '/api/guidelines/history',
      '/api/canned-replies/{id}/render',
      '/api/audit',
    ]) {
      expect(spec.paths).toHaveProperty([path]);
    }
  });

  it('creates users with hashed passwords and never presents the hash', async () => {
    const teamId = await t.team();
    const short = await t.request('/api/users', {
      method: 'POST',
      headers: admin.headers,
      body: { email: 'short@test.local', name: 'Short', role: 'agent', password: 'tooshort' },
    });
    expect(short.status).toBe(400);
    expect((await body<{ error: { code: string } }>(short)).error.code).toBe('invalid_input');
    const created = await t.request('/api/users', {
      method: 'POST',
      headers: admin.headers,
      body: { email: 'Li.Na@Test.local', name: '李娜', role: 'agent', password: 'a-long-password', skills: ['billing'], teamIds: [teamId] },
    });
    expect(created.status).toBe(201);
    const user = await body<Json & { id: string }>(created);
    expect(user).toMatchObject({ email: 'li.na@test.local', name: '李娜', role: 'agent', skills: ['billing'], teamIds: [teamId] });
    const dup = await t.request('/api/users', {
      method: 'POST',
      headers: admin.headers,
      body: { email: 'li.na@test.local', name: 'Dup', role: 'agent', password: 'a-long-password' },
    });
    expect(dup.status).toBe(409);
    expect((await body<{ error: { code: string } }>(dup)).error.code).toBe('email_taken');
    const unknownTeam = await t.request('/api/users', {
      method: 'POST',
      headers: admin.headers,
      body: { email: 'n@test.local', name: 'N', role: 'agent', password: 'a-long-password', teamIds: [crypto.randomUUID()] },
    });
    expect((await body<{ error: { code: string } }>(unknownTeam)).error.code).toBe('unknown_team');

    const stored = await t.deps.db.kysely.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    for (const res of [
      await t.request('/api/users?includeDisabled=true', { headers: admin.headers }),
      await t.request(`/api/users/${user.id}`, { headers: admin.headers }),
      await t.request('/api/users', { headers: agent.headers }),
    ]) {
      const text = await res.text();
      expect(text).not.toContain('scrypt');
      expect(text).not.toMatch(/password/i);
    }
    const asAgent = await body<{ items: Json[] }>(await t.request('/api/users', { headers: agent.headers }));
    const seen = asAgent.items.find((u) => u.id === user.id);
    expect(Object.keys(seen ?? {}).sort()).toEqual(['id', 'name', 'role']);
    expect((await t.request(`/api/users/${user.id}`, { headers: agent.headers })).status).toBe(403);

    const login = await t.request('/api/auth/login', { method: 'POST', body: { email: 'li.na@test.local', password: 'a-long-password' } });
    expect(login.status).toBe(200);
  });

  it('changes roles and teams, disables (ending sessions) and resets passwords, all audited', async () => {
    const teamA = await t.team();
    const teamB = await t.team();
    const target = await t.login('agent', [teamA]);
    const updated = await t.request(`/api/users/${target.id}`, {
      method: 'PATCH',
      headers: admin.headers,
      body: { role: 'supervisor', name: '王主管', locale: 'en', skills: ['vip'], teamIds: [teamB] },
    });
    expect(updated.status).toBe(200);
    expect(await body(updated)).toMatchObject({ role: 'supervisor', name: '王主管', locale: 'en', skills: ['vip'], teamIds: [teamB] });
    const me = await body<{ role: string; teamIds: string[] }>(await t.request('/api/auth/me', { headers: target.headers }));
    expect(me).toMatchObject({ role: 'supervisor', teamIds: [teamB] });

    const reset = await t.request(`/api/users/${target.id}/password`, {
      method: 'POST',
      headers: admin.headers,
      body: { password: 'brand-new-password' },
    });
    expect(reset.status).toBe(200);
    expect((await t.request('/api/auth/me', { headers: target.headers })).status).toBe(401);

    const email = (await body<{ email: string }>(await t.request(`/api/users/${target.id}`, { headers: admin.headers }))).email;
    const login = await t.request('/api/auth/login', { method: 'POST', body: { email, password: 'brand-new-password' } });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect((await t.request('/api/auth/me', { headers: { cookie } })).status).toBe(200);

    const disabled = await t.request(`/api/users/${target.id}/disable`, { method: 'POST', headers: admin.headers });
    expect(disabled.status).toBe(200);
    expect((await body<{ disabledAt: string | null }>(disabled)).disabledAt).not.toBeNull();
    expect((await t.request('/api/auth/me', { headers: { cookie } })).status).toBe(401);
    const sessions = await t.deps.db.kysely.selectFrom('sessions').select('user_id').where('user_id', '=', target.id).execute();
    expect(sessions).toHaveLength(0);
    const relogin = await t.request('/api/auth/login', { method: 'POST', body: { email, password: 'brand-new-password' } });
    expect(relogin.status).toBe(401);
    const listed = await body<{ items: { id: string }[] }>(await t.request('/api/users', { headers: admin.headers }));
    expect(listed.items.map((u) => u.id)).not.toContain(target.id);
    expect((await t.request(`/api/users/${target.id}/enable`, { method: 'POST', headers: admin.headers })).status).toBe(200);

    const self = await t.request(`/api/users/${admin.id}/disable`, { method: 'POST', headers: admin.headers });
    expect((await body<{ error: { code: string } }>(self)).error.code).toBe('cannot_disable_self');

    const audit = await body<{ items: { action: string; targetId: string; actorId: string; details: Json }[] }>(
      await t.request(`/api/audit?actor=${admin.id}&action=user.&limit=50`, { headers: admin.headers }),
    );
    const forTarget = audit.items.filter((e) => e.targetId === target.id).map((e) => e.action);
    expect(forTarget).toEqual(['user.enabled', 'user.disabled', 'user.password_reset', 'user.updated', 'user.role_changed']);
    expect(audit.items.find((e) => e.action === 'user.role_changed' && e.targetId === target.id)?.details).toEqual({
      from: 'agent',
      to: 'supervisor',
    });
    expect(JSON.stringify(audit)).not.toContain('brand-new-password');
    const exact = await body<{ items: { action: string }[] }>(
      await t.request('/api/audit?action=user.disabled', { headers: admin.headers }),
    );
    expect(exact.items.every((e) => e.action === 'user.disabled')).toBe(true);
    expect((await t.request('/api/audit?limit=0', { headers: admin.headers })).status).toBe(400);
  });

  it('shows a token once, accepts it as Bearer until revoked, and lists only its prefix', async () => {
    const created = await t.request('/api/tokens', {
      method: 'POST',
      headers: admin.headers,
      body: { name: 'CRM sync', role: 'supervisor' },
    });
    expect(created.status).toBe(201);
    const token = await body<{ id: string; token: string; prefix: string }>(created);
    expect(token.token).toMatch(/^tl_/);
    expect(token.token.startsWith(token.prefix)).toBe(true);
    const bearer = { authorization: `Bearer ${token.token}` };
    const me = await body<{ kind: string; role: string }>(await t.request('/api/auth/me', { headers: bearer }));
    expect(me).toMatchObject({ kind: 'token', role: 'supervisor' });
    expect((await t.request('/api/conversations', { headers: bearer })).status).toBe(200);

    const list = await t.request('/api/tokens', { headers: admin.headers });
    const text = await list.text();
    expect(text).not.toContain(token.token);
    expect(text).not.toContain('hash');
    const listed = (JSON.parse(text) as { items: { id: string; prefix: string; lastUsedAt: string | null }[] }).items.find(
      (i) => i.id === token.id,
    );
    expect(listed?.prefix).toBe(token.prefix);
    expect(listed?.lastUsedAt).not.toBeNull();

    const revoked = await t.request(`/api/tokens/${token.id}`, { method: 'DELETE', headers: admin.headers });
    expect(revoked.status).toBe(200);
    expect((await body<{ revokedAt: string | null }>(revoked)).revokedAt).not.toBeNull();
    const after = await t.request('/api/conversations', { headers: bearer });
    expect(after.status).toBe(401);
    expect((await body<{ error: { code: string } }>(after)).error.code).toBe('invalid_token');
    expect((await t.request(`/api/tokens/${crypto.randomUUID()}`, { method: 'DELETE', headers: admin.headers })).status).toBe(404);

    const audit = await body<{ items: { action: string; targetId: string }[] }>(
      await t.request('/api/audit?action=token.', { headers: admin.headers }),
    );
    expect(audit.items.filter((e) => e.targetId === token.id).map((e) => e.action)).toEqual(['token.revoked', 'token.created']);
  });

  it('manages teams and their members', async () => {
    const created = await t.request('/api/teams', { method: 'POST', headers: admin.headers, body: { name: '售后' } });
    expect(created.status).toBe(201);
    const team = await body<{ id: string }>(created);
    expect((await t.request('/api/teams', { method: 'POST', headers: admin.headers, body: { name: '售后' } })).status).toBe(409);
    const renamed = await t.request(`/api/teams/${team.id}`, { method: 'PATCH', headers: admin.headers, body: { name: '售后服务' } });
    expect(await body(renamed)).toMatchObject({ name: '售后服务' });
    const members = await t.request(`/api/teams/${team.id}/members`, {
      method: 'PUT',
      headers: admin.headers,
      body: { userIds: [agent.id, admin.id] },
    });
    expect((await body<{ memberIds: string[] }>(members)).memberIds.sort()).toEqual([agent.id, admin.id].sort());
    const listed = await body<{ items: { id: string; name: string }[] }>(
      await t.request(`/api/teams/${team.id}/members`, { headers: agent.headers }),
    );
    expect(listed.items.map((m) => m.id).sort()).toEqual([agent.id, admin.id].sort());
    const badUser = await t.request(`/api/teams/${team.id}/members`, {
      method: 'PUT',
      headers: admin.headers,
      body: { userIds: [crypto.randomUUID()] },
    });
    expect((await body<{ error: { code: string } }>(badUser)).error.code).toBe('unknown_user');
    expect((await t.request(`/api/teams/${crypto.randomUUID()}/members`, { headers: admin.headers })).status).toBe(404);
  });

  it('creates inboxes with channel settings and shows secrets to admins only', async () => {
    const noAddress = await t.request('/api/inboxes', { method: 'POST', headers: admin.headers, body: { name: 'Mail', channel: 'email' } });
    expect((await body<{ error: { code: string } }>(noAddress)).error.code).toBe('email_address_required');
    const mail = await t.request('/api/inboxes', {
      method: 'POST',
      headers: admin.headers,
      body: { name: 'Mail', channel: 'email', settings: { emailAddress: 'help@shop.example' } },
    });
    expect(mail.status).toBe(201);
    expect(await body(mail)).toMatchObject({ channel: 'email', settings: { emailAddress: 'help@shop.example' } });
    const injected = await t.request('/api/inboxes', {
      method: 'POST',
      headers: admin.headers,
      body: { name: 'Web', channel: 'web', settings: { identitySecret: 'chosen-by-client' } },
    });
    expect(injected.status).toBe(400);
    const web = await body<{ id: string; settings: { identitySecret: string } }>(
      await t.request('/api/inboxes', { method: 'POST', headers: admin.headers, body: { name: 'Web', channel: 'web' } }),
    );
    expect(web.settings.identitySecret.length).toBeGreaterThanOrEqual(40);
    const rotated = await body<{ settings: { identitySecret: string; greeting: string } }>(
      await t.request(`/api/inboxes/${web.id}`, {
        method: 'PATCH',
        headers: admin.headers,
        body: { rotateIdentitySecret: true, settings: { greeting: '您好' } },
      }),
    );
    expect(rotated.settings.identitySecret).not.toBe(web.settings.identitySecret);
    expect(rotated.settings.greeting).toBe('您好');
    const asAgent = await t.request('/api/inboxes', { headers: agent.headers });
    const text = await asAgent.text();
    expect(text).not.toContain(rotated.settings.identitySecret);
    expect(text).not.toContain('settings');
    expect(JSON.parse(text)).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ id: web.id, channel: 'web' })]) });
    expect((await t.request(`/api/inboxes/${web.id}`, { method: 'PATCH', headers: agent.headers, body: { name: 'x' } })).status).toBe(403);
  });
});
