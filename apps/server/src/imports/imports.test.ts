import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRedactor } from '@tongli/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../platform.js';
import { createApiToken } from '../repositories/sessions.js';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

interface Batch {
  id: string;
  status: string;
  total: number;
  imported: number;
  analyzed: number;
  skipped: { line: number; reason: string }[];
}

const JSONL = [
  JSON.stringify({
    id: 'c1',
    created_at: '2026-03-01T08:00:00Z',
    phone: '13912345678',
    customer: '赵女士',
    subject: '退款',
    turns: [
      { role: 'customer', text: '我要退款,等了一周了还没到账!', time: '2026-03-01T08:00:00Z' },
      { role: 'agent', text: '非常抱歉让您久等,我马上为您查询退款进度。', time: '2026-03-01T08:02:00Z' },
    ],
  }),
  '{"id": "broken", "turns": [',
  JSON.stringify({ conversation_id: 'c2', role: 'customer', text: 'Where is my parcel?', created_at: '2026-03-02T09:00:00Z' }),
  JSON.stringify({ conversation_id: 'c2', role: 'agent', text: 'Sorry for the wait, let me check it for you.' }),
  JSON.stringify({ id: 'c3', turns: [{ role: 'bot', text: 'hello' }] }),
].join('\n');

const CSV = [
  'conversation_id,role,text,created_at',
  'k1,customer,"我的订单一直没发货,怎么回事?","2026-04-01T10:00:00Z"',
  'k1,agent,"您好,非常抱歉,""加急""处理中,',
  '今天内发出。",2026-04-01T10:05:00Z',
  'k2,robot,hello,',
  'k3,customer,Order never arrived,',
].join('\r\n');

describe.each(DATABASES)('batch import and export on %s', (database) => {
  let t: TestPlatform;
  let supervisor: { id: string; headers: Record<string, string> };
  let inbox: string;

  const upload = (body: string, type: string, headers = supervisor.headers, target = inbox) =>
    t.request(`/api/imports?inboxId=${target}`, { method: 'POST', headers: { ...headers, 'content-type': type }, body });
  const finished = async (id: string): Promise<Batch> => {
    await t.runner.drain();
    return (await (await t.request(`/api/imports/${id}`, { headers: supervisor.headers })).json()) as Batch;
  };

  beforeAll(async () => {
    t = await createTestPlatform(database);
    supervisor = await t.login('supervisor');
    inbox = await t.inbox('import');
  });
  afterAll(() => t.close());

  it('imports JSONL, skipping a broken line with its reason, and analyses the rest', async () => {
    const res = await upload(JSONL, 'application/x-ndjson');
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch).toMatchObject({ total: 2, imported: 2 });
    expect(batch.skipped).toEqual([
      { line: 2, reason: expect.stringMatching(/not valid JSON/) as string },
      { line: 5, reason: 'no turn has a known role (customer or agent)' },
    ]);
    const done = await finished(batch.id);
    expect(done).toMatchObject({ status: 'done', imported: 2, analyzed: 2 });
    const db = t.deps.db.kysely;
    const c1 = await db.selectFrom('conversations').selectAll().where('external_id', '=', 'c1').executeTakeFirstOrThrow();
    expect(c1.created_at.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(c1.subject).toBe('退款');
    const messages = await db
      .selectFrom('messages')
      .select(['created_at', 'type'])
      .where('conversation_id', '=', c1.id)
      .orderBy('seq')
      .execute();
    expect(messages.map((m) => m.created_at.toISOString())).toEqual(['2026-03-01T08:00:00.000Z', '2026-03-01T08:02:00.000Z']);
    const identity = await db.selectFrom('customer_identities').select('customer_id').where('value', '=', '13912345678').executeTakeFirst();
    expect(identity?.customer_id).toBe(c1.customer_id);
    const analysed = await db.selectFrom('message_analyses').select('message_id').where('conversation_id', '=', c1.id).execute();
    expect(analysed).toHaveLength(2);

    // The same file again: every conversation is already there.
    const again = (await (await upload(JSONL, 'application/x-ndjson')).json()) as Batch;
    expect(again.imported).toBe(0);
    expect(again.skipped.map((s) => s.reason)).toContain('conversation c1 is already in this inbox');
  });

  it('imports CSV with quoted fields, aliases and bad rows', async () => {
    const res = await upload(CSV, 'text/csv');
    expect(res.status).toBe(202);
    const batch = (await res.json()) as Batch;
    expect(batch).toMatchObject({ total: 2, imported: 2 });
    expect(batch.skipped).toEqual([{ line: 5, reason: 'unknown role "robot" (expected customer or agent)' }]);
    const k1 = await t.deps.db.kysely.selectFrom('conversations').select('id').where('external_id', '=', 'k1').executeTakeFirstOrThrow();
    const bodies = await t.deps.db.kysely
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', k1.id)
      .orderBy('seq')
      .execute();
    expect(bodies[1]?.body).toBe('您好,非常抱歉,"加急"处理中,\r\n今天内发出。');
    expect((await finished(batch.id)).analyzed).toBe(2);

    const noHeader = await upload('a,b\n1,2', 'text/csv');
    expect(noHeader.status).toBe(400);
    expect(((await noHeader.json()) as { error: { code: string } }).error.code).toBe('invalid_import');
    const agent = await t.login('agent');
    expect((await upload(CSV, 'text/csv', agent.headers)).status).toBe(403);
    expect((await upload('x', 'text/plain')).status).toBe(400);
  });

  it('exports conversations with phones, ID numbers, bank cards and e-mails redacted', async () => {
    const pii = { phone: '13812345678', id: '11010519491231002X', card: '4111 1111 1111 1111', email: 'li.lei@example.com' };
    expect(
      createRedactor()
        .find(Object.values(pii).join(' , '))
        .map((s) => s.kind)
        .sort(),
    ).toEqual(['bank_card', 'email', 'id_card', 'phone']);
    const api = (await t.token('admin')).headers;
    const exportInbox = await t.inbox('api');
    await t.request('/api/conversations', {
      method: 'POST',
      headers: api,
      body: {
        inboxId: exportInbox,
        customer: { name: '李雷' },
        message: { body: `电话 ${pii.phone},身份证 ${pii.id},卡号 ${pii.card},邮箱 ${pii.email}` },
      },
    });
    await t.runner.drain();
    const jsonl = await t.request('/api/exports/conversations?format=jsonl', { headers: supervisor.headers });
    expect(jsonl.status).toBe(200);
    const text = await jsonl.text();
    for (const value of Object.values(pii)) expect(text).not.toContain(value);
    expect(text).toContain('[手机号]');
    const rows = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { turns: { text: string }[] });
    expect(rows.length).toBeGreaterThanOrEqual(5);

    const csv = await (await t.request('/api/exports/conversations?format=csv&from=2026-01-01', { headers: supervisor.headers })).text();
    expect(csv.split('\n')[0]).toContain('conversation_id');
    for (const value of Object.values(pii)) expect(csv).not.toContain(value);
    const window = await (
      await t.request('/api/exports/conversations?format=jsonl&from=2026-03-01&to=2026-03-02', { headers: supervisor.headers })
    ).text();
    expect(window.trim().split('\n')).toHaveLength(1);

    expect((await t.request('/api/exports/conversations?redact=false', { headers: supervisor.headers })).status).toBe(403);
    const admin = await t.login('admin');
    const raw = await (await t.request('/api/exports/conversations?redact=false', { headers: admin.headers })).text();
    expect(raw).toContain(pii.phone);
    const audit = await t.deps.db.kysely.selectFrom('audit_log').select('details').where('action', '=', 'export.conversations').execute();
    expect(audit.map((a) => a.details.redacted)).toContain(false);
    expect((await t.request('/api/exports/conversations', { headers: (await t.login('agent')).headers })).status).toBe(403);
  });

  const cli = join(process.cwd(), 'apps/cli/bin/tongli.js');
  it.runIf(existsSync(join(process.cwd(), 'apps/cli/dist/commands/import.js')))(
    'imports a file with the built CLI against a started server',
    async () => {
      const server = await startServer({ ...t, deps: { ...t.deps, config: { ...t.deps.config, port: 0 } }, close: async () => undefined });
      try {
        const { token } = await createApiToken(t.deps.db.kysely, { name: 'cli', role: 'supervisor', createdBy: null });
        const dir = await mkdtemp(join(tmpdir(), 'tongli-import-'));
        const file = join(dir, 'history.jsonl');
        await writeFile(file, JSONL.replace(/"c1"/, '"cli-1"').replace(/"c2"/g, '"cli-2"'));
        const other = await t.inbox('import');
        const run = promisify(execFile);
        const { stdout, stderr } = await run(process.execPath, [
          cli,
          'import',
          file,
          '--url',
          server.url,
          '--token',
          token,
          '--inbox',
          other,
        ]);
        expect(stdout).toMatch(/2 of 2 conversations stored, 2 rows skipped/);
        expect(stdout).toMatch(/2 of 2 conversations analysed/);
        expect(stderr).toMatch(/line 2: not valid JSON/);
        const bad = await run(process.execPath, [
          cli,
          'import',
          file,
          '--url',
          server.url,
          '--token',
          token,
          '--inbox',
          '00000000-0000-4000-8000-000000000000',
        ]).catch((error: { code: number; stderr: string }) => error);
        expect((bad as { code: number }).code).toBe(2);
        const usage = await run(process.execPath, [cli, 'import', file]).catch((error: { code: number }) => error);
        expect((usage as { code: number }).code).toBe(2);
      } finally {
        await new Promise<void>((resolve) => server.server.close(() => resolve()));
        server.server.closeAllConnections();
      }
    },
  );
});
