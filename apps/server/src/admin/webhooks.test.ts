import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, DATABASES, type TestPlatform } from '../testing/platform.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver answering each request with the next status of `statuses` (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does: recompute the HMAC of "t.body" with the shared secret and compare. */
function verifySignature(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  return createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex') === parts.v1;
}

describe.each(DATABASES)('webhooks API on %s', (database) => {
  let t: TestPlatform;
  let admin: { id: string; headers: Record<string, string> };
  beforeAll(async () => {
    t = await createTestPlatform(database);
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const openConversation = async (text: string): Promise<string> => {
    const inboxId = await t.inbox('api');
    const res = await t.request('/api/conversations', {
      method: 'POST',
      headers: admin.headers,
      body: { inboxId, customer: { identities: [] }, message: { body: text } },
    });
    return ((await res.json()) as { conversation: { id: string } }).conversation.id;
  };
  const deliveries = async (id: string) =>
    (
      (await (await t.request(`/api/webhooks/${id}/deliveries`, { headers: admin.headers })).json()) as {
        items: { id: string; status: string; attempts: number; responseStatus: number | null; error: string | null; event: string }[];
      }
    ).items;

  it('rejects URLs that are not http(s) and unknown events', async () => {
    for (const payload of [
      { url: 'ftp://example.com/hook', events: ['*'] },
      { url: 'javascript:alert(1)', events: ['*'] },
      { url: 'not a url', events: ['*'] },
      { url: 'https://example.com/hook', events: ['conversation.exploded'] },
      { url: 'https://example.com/hook', events: [] },
    ]) {
      const res = await t.request('/api/webhooks', { method: 'POST', headers: admin.headers, body: payload });
      expect([payload, res.status]).toEqual([payload, 400]);
    }
  });

  it('signs deliveries with the secret shown once, and retries a failing receiver until it succeeds', async () => {
    const receiver = await startReceiver([500, 200]);
    try {
      const created = await t.request('/api/webhooks', {
        method: 'POST',
        headers: admin.headers,
        body: { url: receiver.url, events: ['message.created'] },
      });
      expect(created.status).toBe(201);
      const hook = (await created.json()) as { id: string; secret: string; events: string[]; active: boolean };
      expect(hook.secret).toMatch(/^whsec_/);
      expect(hook).toMatchObject({ events: ['message.created'], active: true });
      const list = await (await t.request('/api/webhooks', { headers: admin.headers })).text();
      expect(list).toContain(hook.id);
      expect(list).not.toContain(hook.secret);

      const conversationId = await openConversation('快递三天没动了');
      await t.runner.drain();
      expect(receiver.received).toHaveLength(1);
      let [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ event: 'message.created', status: 'pending', attempts: 1, responseStatus: 500, error: 'HTTP 500' });
      // The failed job waits with backoff; bring it forward instead of sleeping.
      const waiting = await t.deps.db.kysely
        .selectFrom('jobs')
        .select(['run_at', 'last_error'])
        .where('kind', '=', 'deliver_webhook')
        .where('done_at', 'is', null)
        .executeTakeFirstOrThrow();
      expect(waiting.run_at.getTime()).toBeGreaterThan(Date.now());
      await t.deps.db.kysely
        .updateTable('jobs')
        .set({ run_at: sql<Date>`now()` })
        .where('kind', '=', 'deliver_webhook')
        .where('done_at', 'is', null)
        .execute();
      await t.runner.drain();
      expect(receiver.received).toHaveLength(2);
      [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200, error: null });

      for (const request of receiver.received) {
        expect(request.headers['x-tongli-event']).toBe('message.created');
        expect(request.headers['x-tongli-delivery']).toBe(delivery?.id);
        const signature = String(request.headers['x-tongli-signature']);
        expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(verifySignature(hook.secret, signature, request.body)).toBe(true);
        expect(verifySignature('whsec_wrong', signature, request.body)).toBe(false);
        const payload = JSON.parse(request.body) as { event: string; data: { conversation_id: string } };
        expect(payload).toMatchObject({ event: 'message.created', data: { conversation_id: conversationId } });
      }

      const again = await t.request(`/api/webhooks/${hook.id}/deliveries/${delivery?.id}/redeliver`, {
        method: 'POST',
        headers: admin.headers,
      });
      expect(again.status).toBe(202);
      expect(((await again.json()) as { status: string }).status).toBe('pending');
      await t.runner.drain();
      expect(receiver.received).toHaveLength(3);
      [delivery] = await deliveries(hook.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3 });
      const missing = await t.request(`/api/webhooks/${hook.id}/deliveries/${crypto.randomUUID()}/redeliver`, {
        method: 'POST',
        headers: admin.headers,
      });
      expect(missing.status).toBe(404);

      // Paused webhooks get nothing; deleting removes it and its history.
      const paused = await t.request(`/api/webhooks/${hook.id}`, { method: 'PATCH', headers: admin.headers, body: { active: false } });
      expect(((await paused.json()) as { active: boolean }).active).toBe(false);
      await openConversation('还是没到');
      await t.runner.drain();
      expect(receiver.received).toHaveLength(3);
      expect((await t.request(`/api/webhooks/${hook.id}`, { method: 'DELETE', headers: admin.headers })).status).toBe(204);
      expect((await t.request(`/api/webhooks/${hook.id}/deliveries`, { headers: admin.headers })).status).toBe(404);
      const audit = (await (await t.request('/api/audit?action=webhook.', { headers: admin.headers })).json()) as {
        items: { action: string; targetId: string }[];
      };
      expect(audit.items.filter((e) => e.targetId === hook.id).map((e) => e.action)).toEqual([
        'webhook.deleted',
        'webhook.updated',
        'webhook.created',
      ]);
      expect(JSON.stringify(audit)).not.toContain(hook.secret);
    } finally {
      await receiver.close();
    }
  });

  it('keeps webhooks off private networks unless the deployment allows them', async () => {
    const receiver = await startReceiver([200]);
    try {
      // Created while this deployment allows private receivers (TONGLI_WEBHOOKS_ALLOW_PRIVATE=true)…
      const created = await t.request('/api/webhooks', {
        method: 'POST',
        headers: admin.headers,
        body: { url: receiver.url, events: ['*'] },
      });
      expect(created.status).toBe(201);
      const hook = (await created.json()) as { id: string };
      t.deps.config.webhooksAllowPrivate = false;
      // …then refused: new targets at creation, the existing one at delivery, with the reason on the delivery.
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest/meta-data',
      ]) {
        const refused = await t.request('/api/webhooks', { method: 'POST', headers: admin.headers, body: { url, events: ['*'] } });
        expect([url, refused.status]).toEqual([url, 400]);
        expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('private_address');
      }
      const moved = await t.request(`/api/webhooks/${hook.id}`, {
        method: 'PATCH',
        headers: admin.headers,
        body: { url: 'http://10.0.0.7/hook' },
      });
      expect(moved.status).toBe(400);
      await openConversation('有人吗');
      await t.runner.drain();
      expect(receiver.received).toHaveLength(0);
      const [delivery] = await deliveries(hook.id);
      expect(delivery?.error).toMatch(/127\.0\.0\.1.*private address/);
    } finally {
      t.deps.config.webhooksAllowPrivate = true;
      await receiver.close();
    }
  });
});
