/**
 * The ingest benchmark's floor peer: the least a durable HTTP ingest endpoint can do on this machine — node:http,
 * JSON.parse, one group-committed multi-row insert into a bare table (PostgreSQL through `pg`, or PGlite), 201 once
 * committed. No authentication, validation, idempotency, clocks, jobs, analysis or events. Tongli's figure divided by
 * this one, measured in the same run, is what the platform's work costs; this one is what the machine allows.
 * Usage (spawned by ingest.ts): tsx apps/server/bench/peer-server.ts PORT (DATABASE_URL or TONGLI_DATA_DIR set)
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

type Query = (text: string, params: unknown[]) => Promise<unknown>;

async function connect(): Promise<Query> {
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
    return (text, params) => pool.query(text, params);
  }
  const db = new PGlite(process.env.TONGLI_DATA_DIR);
  await db.waitReady;
  return (text, params) => db.query(text, params);
}

const query = await connect();
await query(
  'create table if not exists peer_messages (id uuid primary key, conversation_id text, body text, created_at timestamptz default now())',
  [],
);

let queue: { id: string; conversationId: string; body: string; done: (error?: unknown) => void }[] = [];
let flushing = false;
async function flush(): Promise<void> {
  while (queue.length > 0) {
    const batch = queue;
    queue = [];
    try {
      await query('insert into peer_messages (id, conversation_id, body) select * from unnest($1::uuid[], $2::text[], $3::text[])', [
        batch.map((m) => m.id),
        batch.map((m) => m.conversationId),
        batch.map((m) => m.body),
      ]);
      for (const m of batch) m.done();
    } catch (error) {
      for (const m of batch) m.done(error);
    }
  }
  flushing = false;
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { body?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body?: unknown };
    } catch {
      res.writeHead(400).end();
      return;
    }
    const id = randomUUID();
    queue.push({
      id,
      conversationId: req.url ?? '',
      body: String(body.body),
      done: (error) => {
        const out = JSON.stringify(error ? { error: String(error) } : { message: { id, body: body.body } });
        res.writeHead(error ? 500 : 201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      },
    });
    if (!flushing) {
      flushing = true;
      setImmediate(() => void flush());
    }
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('peer is running at', process.argv[2]));
