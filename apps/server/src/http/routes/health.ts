import { Hono } from 'hono';
import { sql } from 'kysely';
import { Gauge } from 'prom-client';
import { countPendingJobs } from '../../repositories/jobs.js';
import type { AppEnv } from '../env.js';
import { registry } from '../metrics.js';

/** `/healthz` (the process is up), `/readyz` (the database answers), `/metrics` (Prometheus text). */
export function healthRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const { db } = c.get('deps');
    try {
      await sql`select 1`.execute(db.kysely);
      return c.json({ status: 'ready', database: db.kind, jobs: await countPendingJobs(db.kysely) });
    } catch {
      return c.json({ status: 'unavailable', database: db.kind }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const { db } = c.get('deps');
    const pending = await countPendingJobs(db.kysely).catch(() => ({}));
    jobsPending.reset();
    for (const [kind, n] of Object.entries(pending)) jobsPending.set({ kind }, n);
    return c.text(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}

const jobsPending = new Gauge({
  name: 'tongli_jobs_pending',
  help: 'Outbox jobs not yet done, by kind',
  labelNames: ['kind'],
  registers: [registry],
});
