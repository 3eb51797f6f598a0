import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASES, createTestPlatform, type TestPlatform } from '../../testing/platform.js';
import { emailModule } from './index.js';
import { startSmtpListener } from './smtp-listener.js';

/** A raw RFC 822 message; the body is sent as given (already encoded when `headers` say so). */
function rawEmail(headers: Record<string, string>, body: string): string {
  const all = { 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers };
  return `${Object.entries(all)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n${body}\r\n`;
}

// "您好，我的订单三天了还没到，请尽快处理。" + a quoted Gmail (zh) history, in GBK, base64.
const GBK_BODY =
  'xPq6w6OsztK1xLaptaXI/czswcu7ucO7tb2jrMfrvqG/7LSmwO2how0KDQrU2iAyMDI0xOox1MIxyNUgMTA6MDCjrL/Nt/4gPHN1cHBvcnRAc2hvcC5jbj4g0LS1wKO6DQo+IMT6tcS2qbWl0tG3orv1oaMNCg==';

/** An SMTP sink on an ephemeral port that keeps every message it receives, parsed. */
async function startSink(): Promise<{ url: string; received: ParsedMail[]; envelopes: string[][]; close(): Promise<void> }> {
  const received: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          envelopes.push(session.envelope.rcptTo.map((r) => r.address));
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, envelopes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe.each(DATABASES)('email channel (%s)', (database) => {
  let t: TestPlatform;
  let inboxId: string;
  let token: Record<string, string>;

  const deliver = (raw: string | Buffer, headers = token, inbox = inboxId) =>
    t.app.request(`/api/channels/email/${inbox}/inbound`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'message/rfc822' },
      body: raw,
    });

  const messagesOf = async (conversationId: string) =>
    t.deps.db.kysely.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('seq').execute();

  beforeAll(async () => {
    t = await createTestPlatform(database, { modules: [emailModule] });
    inboxId = await t.inbox('email');
    await t.deps.db.kysely
      .updateTable('inboxes')
      .set({ settings: JSON.stringify({ address: 'Support@Shop.cn' }) })
      .where('id', '=', inboxId)
      .execute();
    token = (await t.token('supervisor')).headers;
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a GBK-encoded Chinese email as a new conversation, without the quoted history', async () => {
    const raw = rawEmail(
      {
        From: '=?GBK?B?zfXQocP3?= <Wang@Example.cn>',
        To: 'support@shop.cn',
        Subject: '=?GB2312?B?tqm1pc7KzOI=?=',
        'Message-ID': '<gbk-1@example.cn>',
        'Content-Type': 'text/plain; charset=GBK',
        'Content-Transfer-Encoding': 'base64',
      },
      GBK_BODY,
    );
    const res = await deliver(raw);
    expect(res.status).toBe(201);
    const { message, threaded } = (await res.json()) as {
      message: { id: string; conversationId: string; body: string };
      threaded: boolean;
    };
    expect(threaded).toBe(false);
    expect(message.body).toBe('您好，我的订单三天了还没到，请尽快处理。');
    const conversation = await t.deps.db.kysely
      .selectFrom('conversations')
      .innerJoin('customers', 'customers.id', 'conversations.customer_id')
      .select(['conversations.subject', 'conversations.inbox_id', 'customers.name', 'customers.id as customer_id'])
      .where('conversations.id', '=', message.conversationId)
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ subject: '订单问题', inbox_id: inboxId, name: '王小明' });
    const identity = await t.deps.db.kysely
      .selectFrom('customer_identities')
      .select('value')
      .where('customer_id', '=', conversation.customer_id)
      .executeTakeFirstOrThrow();
    expect(identity.value).toBe('wang@example.cn');
    const [stored] = await messagesOf(message.conversationId);
    expect(stored).toMatchObject({
      type: 'incoming',
      sender_type: 'customer',
      content_type: 'email',
      email_message_id: '<gbk-1@example.cn>',
    });
    expect(stored?.metadata).toMatchObject({
      subject: '订单问题',
      from: { address: 'wang@example.cn', name: '王小明' },
      to: [{ address: 'support@shop.cn' }],
      messageId: '<gbk-1@example.cn>',
      references: [],
    });
  });

  it('threads replies by In-Reply-To and by References, and opens a new conversation otherwise', async () => {
    const first = await deliver(
      rawEmail(
        { From: 'li@example.com', To: 'support@shop.cn', Subject: 'Router down', 'Message-ID': '<t-1@example.com>' },
        'My router is down.',
      ),
    );
    const { message } = (await first.json()) as { message: { conversationId: string } };
    const byReplyTo = await deliver(
      rawEmail(
        { From: 'li@example.com', Subject: 'Re: Router down', 'Message-ID': '<t-2@example.com>', 'In-Reply-To': '<t-1@example.com>' },
        'Still down.\n\nOn Mon, Jan 1, 2024 at 10:00 Li <li@example.com> wrote:\n> My router is down.',
      ),
    );
    expect(byReplyTo.status).toBe(201);
    expect(await byReplyTo.json()).toMatchObject({
      threaded: true,
      message: { conversationId: message.conversationId, body: 'Still down.' },
    });
    // A client that sends only References (the unknown id first, the known one last).
    const byReferences = await deliver(
      rawEmail(
        {
          From: 'li@example.com',
          Subject: 'Re: Router down',
          'Message-ID': '<t-3@example.com>',
          References: '<unknown@elsewhere> <t-2@example.com>',
        },
        'Any news?',
      ),
    );
    expect(await byReferences.json()).toMatchObject({ threaded: true, message: { conversationId: message.conversationId } });
    const unrelated = await deliver(
      rawEmail(
        { From: 'li@example.com', Subject: 'New question', 'Message-ID': '<t-4@example.com>', 'In-Reply-To': '<never-seen@x>' },
        'Hello',
      ),
    );
    const fresh = (await unrelated.json()) as { message: { conversationId: string }; threaded: boolean };
    expect(fresh.threaded).toBe(false);
    expect(fresh.message.conversationId).not.toBe(message.conversationId);
    expect((await messagesOf(message.conversationId)).map((m) => m.body)).toEqual(['My router is down.', 'Still down.', 'Any news?']);
  });

  it('strips quoted history from Chinese and English replies', async () => {
    const zh = await deliver(
      rawEmail(
        {
          From: 'zhao@example.cn',
          Subject: '=?UTF-8?B?5Zue5aSN77ya6YCA5qy+?=',
          'Message-ID': '<q-zh@example.cn>',
          'Content-Transfer-Encoding': '8bit',
        },
        '还是没有收到退款。\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: "客服"<support@shop.cn>;\r\n发送时间: 2024年1月2日\r\n\r\n退款已处理。',
      ),
    );
    expect(await zh.json()).toMatchObject({ message: { body: '还是没有收到退款。' } });
    const en = await deliver(
      rawEmail(
        { From: 'amy@example.com', Subject: 'RE: refund', 'Message-ID': '<q-en@example.com>' },
        'Still no refund.\r\n-- \r\nAmy\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nSent: Monday\r\n\r\nRefund processed.',
      ),
    );
    expect(await en.json()).toMatchObject({ message: { body: 'Still no refund.' } });
  });

  it('stores the same Message-ID once when it is delivered twice', async () => {
    const raw = rawEmail({ From: 'dup@example.com', Subject: 'Twice', 'Message-ID': '<dup-1@example.com>' }, 'Delivered twice.');
    const [a, b] = await Promise.all([deliver(raw), deliver(raw)]);
    const again = await deliver(raw);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(again.status).toBe(200);
    const rows = await t.deps.db.kysely.selectFrom('messages').select('id').where('email_message_id', '=', '<dup-1@example.com>').execute();
    expect(rows).toHaveLength(1);
    const conversations = await t.deps.db.kysely
      .selectFrom('conversations')
      .select('id')
      .where('external_id', '=', 'email:<dup-1@example.com>')
      .execute();
    expect(conversations).toHaveLength(1);
  });

  it('keeps only text from a hostile HTML email', async () => {
    const raw = rawEmail(
      {
        From: 'evil@example.com',
        Subject: '<script>alert(1)</script>',
        'Message-ID': '<hostile-1@example.com>',
        'Content-Type': 'text/html; charset=utf-8',
      },
      '<html><head><script>alert(1)</script><style>p{color:red}</style></head><body><p onclick="steal()">Hello <b>there</b></p>' +
        '<script>document.cookie</script><img src=x onerror="alert(2)"><iframe src="https://evil.example"></iframe></body></html>',
    );
    const res = await deliver(raw);
    const { message } = (await res.json()) as { message: { id: string; body: string } };
    expect(message.body).toContain('Hello there');
    expect(message.body).not.toMatch(/<|script|alert|cookie|onerror|onclick/i);
    const stored = await t.deps.db.kysely.selectFrom('messages').select('metadata').where('id', '=', message.id).executeTakeFirstOrThrow();
    // Only headers reach the metadata; the subject stays the sender's literal text (presenters and the UI escape it).
    expect(JSON.stringify(stored.metadata)).not.toMatch(/<html|<p|onerror|onclick|cookie/i);
  });

  it('answers 404 for an unknown or non-email inbox, 403 for other roles and sessions, 401 without a token, 400 for other bodies', async () => {
    const raw = rawEmail({ From: 'a@example.com', Subject: 'x', 'Message-ID': '<auth@example.com>' }, 'hi');
    expect((await deliver(raw, token, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await deliver(raw, token, await t.inbox('web'))).status).toBe(404);
    for (const role of ['agent', 'qa'] as const) {
      const res = await deliver(raw, (await t.token(role)).headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect((await deliver(raw, (await t.login('admin')).headers)).status).toBe(403);
    expect((await deliver(raw, {})).status).toBe(401);
    const json = await t.app.request(`/api/channels/email/${inboxId}/inbound`, {
      method: 'POST',
      headers: { ...token, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect((await deliver('no headers, no sender')).status).toBe(400);
    expect((await deliver(raw, (await t.token('admin')).headers)).status).toBe(201);
  });

  it('receives mail over SMTP for inbox addresses and rejects unknown recipients with 550', async () => {
    const listener = await startSmtpListener(t.deps, { port: 0, host: '127.0.0.1', maxBytes: 64 * 1024 });
    try {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
      const info = await transport.sendMail({
        from: '"陈大文" <chen@example.hk>',
        to: 'support@shop.cn',
        subject: '網絡問題',
        text: '網絡斷了三天。\n\n在 2024年1月1日 客服 写道：\n> 請重啟。',
        messageId: '<smtp-1@example.hk>',
        textEncoding: 'quoted-printable',
      });
      expect(info.accepted).toEqual(['support@shop.cn']);
      const stored = await t.deps.db.kysely
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.body', 'conversations.inbox_id', 'conversations.subject'])
        .where('messages.email_message_id', '=', '<smtp-1@example.hk>')
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ body: '網絡斷了三天。', inbox_id: inboxId, subject: '網絡問題' });

      await expect(transport.sendMail({ from: 'chen@example.hk', to: 'nobody@shop.cn', subject: 'x', text: 'x' })).rejects.toMatchObject({
        responseCode: 550,
      });
      await expect(
        transport.sendMail({ from: 'chen@example.hk', to: 'support@shop.cn', subject: 'big', text: 'x'.repeat(100 * 1024) }),
      ).rejects.toMatchObject({ responseCode: 552 });
      transport.close();
    } finally {
      await listener.close();
    }
  });

  it('sends an agent reply in an email inbox over SMTP, threaded, and threads the answer back', async () => {
    const sink = await startSink();
    t.deps.config.smtpOutUrl = sink.url;
    try {
      const first = await deliver(
        rawEmail(
          { From: 'Zhou <zhou@example.cn>', Subject: 'Refund', 'Message-ID': '<out-2@example.cn>', References: '<out-0@example.cn>' },
          'Where is my refund?',
        ),
      );
      const { message } = (await first.json()) as { message: { conversationId: string } };
      const agent = await t.login('agent');
      const reply = await t.request(`/api/conversations/${message.conversationId}/messages`, {
        method: 'POST',
        headers: agent.headers,
        body: { type: 'outgoing', body: '抱歉让您久等了，退款今天到账。<b>not html</b>' },
      });
      expect(reply.status).toBe(201);
      const note = await t.request(`/api/conversations/${message.conversationId}/messages`, {
        method: 'POST',
        headers: agent.headers,
        body: { type: 'note', body: 'internal only' },
      });
      expect(note.status).toBe(201);
      await t.runner.drain();
      expect(sink.received).toHaveLength(1);
      const sent = sink.received[0]!;
      const outgoing = await t.deps.db.kysely
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', message.conversationId)
        .where('type', '=', 'outgoing')
        .executeTakeFirstOrThrow();
      expect(outgoing.email_message_id).toMatch(/^<[0-9a-f-]{36}@shop\.cn>$/i);
      expect(outgoing.metadata).toMatchObject({ email: { to: 'zhou@example.cn' } });
      expect(sink.envelopes[0]).toEqual(['zhou@example.cn']);
      expect(sent.messageId).toBe(outgoing.email_message_id);
      expect(sent.from?.value[0]?.address?.toLowerCase()).toBe('support@shop.cn');
      expect(sent.to).toMatchObject({ value: [{ address: 'zhou@example.cn' }] });
      expect(sent.subject).toBe('Re: Refund');
      expect(sent.inReplyTo).toBe('<out-2@example.cn>');
      expect(sent.references).toEqual(['<out-0@example.cn>', '<out-2@example.cn>']);
      expect(sent.text?.trim()).toBe('抱歉让您久等了，退款今天到账。<b>not html</b>');
      expect(sent.html).toBe(false);

      // The customer answers the reply: it threads back through our Message-ID.
      const answer = await deliver(
        rawEmail(
          {
            From: 'zhou@example.cn',
            Subject: 'Re: Refund',
            'Message-ID': '<out-3@example.cn>',
            'In-Reply-To': outgoing.email_message_id ?? '',
          },
          'Received, thanks.',
        ),
      );
      expect(await answer.json()).toMatchObject({ threaded: true, message: { conversationId: message.conversationId } });
    } finally {
      delete t.deps.config.smtpOutUrl;
      await sink.close();
    }
  });

  it('runs message hooks inside the message transaction: a failing hook stores neither the message nor its jobs', async () => {
    const first = await deliver(rawEmail({ From: 'hook@example.com', Subject: 'Hook', 'Message-ID': '<hook-1@example.com>' }, 'Hi'));
    const { message } = (await first.json()) as { message: { conversationId: string } };
    const jobsBefore = await t.deps.db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const failing = () => Promise.reject(new Error('hook failed'));
    t.deps.messageHooks = [...(t.deps.messageHooks ?? []), failing];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const agent = await t.login('admin');
      const reply = await t.request(`/api/conversations/${message.conversationId}/messages`, {
        method: 'POST',
        headers: agent.headers,
        body: { type: 'outgoing', body: 'never stored' },
      });
      expect(reply.status).toBe(500);
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      t.deps.messageHooks = t.deps.messageHooks.filter((hook) => hook !== failing);
    }
    expect((await messagesOf(message.conversationId)).map((m) => m.body)).toEqual(['Hi']);
    const jobsAfter = await t.deps.db.kysely
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(jobsAfter.n)).toBe(Number(jobsBefore.n));
  });

  it('mounts its message hook, and starts the SMTP listener only when smtpPort is set', async () => {
    expect(t.deps.messageHooks).toHaveLength(1);
    expect(await emailModule.start?.({ ...t.deps, config: { ...t.deps.config, smtpPort: undefined } })).toBeUndefined();
    const stop = await emailModule.start?.({ ...t.deps, config: { ...t.deps.config, smtpPort: 0, logLevel: 'silent' as const } });
    expect(stop).toBeTypeOf('function');
    await stop?.();
  });

  it('documents the inbound route in the OpenAPI document', async () => {
    const doc = (await (await t.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/api/channels/email/{inboxId}/inbound']);
  });

  it('sends nothing for replies in other channels', async () => {
    const sink = await startSink();
    t.deps.config.smtpOutUrl = sink.url;
    try {
      const web = await t.inbox('web');
      const admin = (await t.token('admin')).headers;
      const created = await t.request('/api/conversations', {
        method: 'POST',
        headers: admin,
        body: { inboxId: web, customer: { identities: [{ kind: 'email', value: 'web@example.com' }] } },
      });
      const { conversation } = (await created.json()) as { conversation: { id: string } };
      const reply = await t.request(`/api/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: admin,
        body: { type: 'outgoing', body: 'hello' },
      });
      expect(reply.status).toBe(201);
      await t.runner.drain();
      expect(sink.received).toHaveLength(0);
    } finally {
      delete t.deps.config.smtpOutUrl;
      await sink.close();
    }
  });
});
