import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DATABASES } from './testing/platform.js';
import { freePort, prepareDatabase, scratchDatabase, startServerProcess, stopProcess } from './testing/process.js';

const MESSAGES = 1000;
const CONCURRENCY = 16;
const CONVERSATIONS = 20;

/**
 * The acknowledgement contract under a crash: a client sends 1,000 messages with idempotency keys, retrying any it has
 * no acknowledgement for; the server is killed with SIGKILL mid-burst and restarted. Every acknowledged message must be
 * stored exactly once, and every message analysed.
 */
describe('crash during a burst', () => {
  // Both databases at once: each run mostly waits on its own server process.
  it.concurrent.each(DATABASES)(
    'loses and doubles nothing that was acknowledged on %s',
    async (database) => {
      const target = scratchDatabase(database, 'tongli-crash');
      let child: ChildProcess | undefined;
      try {
        await crashDuringBurst(target, (c) => (child = c));
      } finally {
        child?.kill('SIGKILL');
        await target.dispose();
      }
    },
    240_000,
  );
});

async function crashDuringBurst(
  target: ReturnType<typeof scratchDatabase>,
  track: (child: ChildProcess | undefined) => void,
): Promise<void> {
  let child: ChildProcess | undefined;
  const { token, inboxId } = await prepareDatabase(target);

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  child = await startServerProcess(target.env, port);
  track(child);
  const conversations: string[] = [];
  for (let c = 0; c < CONVERSATIONS; c++) {
    const created = await fetch(`${origin}/api/conversations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ inboxId, customer: { identities: [{ kind: 'external', value: `crash-${c}` }] } }),
    });
    conversations.push(((await created.json()) as { conversation: { id: string } }).conversation.id);
  }

  const acked = new Set<number>();
  const lastError = new Map<number, string>();
  let killed = false;
  const send = async (i: number): Promise<boolean> => {
    try {
      const res = await fetch(`${origin}/api/conversations/${conversations[i % CONVERSATIONS]}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'incoming', body: `第${i}条：快递怎么还没到？ message ${i}`, idempotencyKey: `crash-message-${i}` }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status === 201 || res.status === 200) acked.add(i);
      else lastError.set(i, `${res.status} ${(await res.text()).slice(0, 200)}`);
      return res.ok;
    } catch (error) {
      lastError.set(i, (error as Error).message);
      return false;
    }
  };
  // Client loop: keeps retrying every unacknowledged message until all are acknowledged.
  const clientDone = (async () => {
    for (let round = 0; acked.size < MESSAGES && round < 200; round++) {
      const pending = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !acked.has(i));
      for (let start = 0; start < pending.length; start += CONCURRENCY) {
        await Promise.all(pending.slice(start, start + CONCURRENCY).map(send));
      }
      if (acked.size < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  // Kill the server mid-burst, then bring it back.
  while (acked.size < MESSAGES / 3) await new Promise((resolve) => setTimeout(resolve, 5));
  await stopProcess(child, 'SIGKILL');
  killed = true;
  child = await startServerProcess(target.env, port);
  track(child);
  await clientDone;
  expect(killed).toBe(true);
  expect(acked.size, JSON.stringify([...lastError].filter(([i]) => !acked.has(i)).slice(0, 5))).toBe(MESSAGES);

  // Let the restarted server finish analysing, then stop it and look at the database directly.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = (await (await fetch(`${origin}/readyz`)).json()) as { jobs: Record<string, number> };
    if ((ready.jobs.analyze_message ?? 0) === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopProcess(child);
  child = undefined;
  track(undefined);
  const db = await target.open();
  const rows = await db.kysely
    .selectFrom('messages')
    .select(['idempotency_key', sql<number>`count(*)`.as('n')])
    .where('conversation_id', 'in', conversations)
    .groupBy('idempotency_key')
    .execute();
  expect(rows).toHaveLength(MESSAGES);
  expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
  const unanalysed = await db.kysely
    .selectFrom('messages')
    .leftJoin('message_analyses', 'message_analyses.message_id', 'messages.id')
    .select(sql<number>`count(*)`.as('n'))
    .where('messages.conversation_id', 'in', conversations)
    .where('message_analyses.message_id', 'is', null)
    .executeTakeFirstOrThrow();
  expect(Number(unanalysed.n)).toBe(0);
  await db.close();
}
