import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** One registry per process: default Node metrics plus the platform's own. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'tongli_' });

export const httpRequests = new Histogram({
  name: 'tongli_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const messagesAnalyzed = new Counter({
  name: 'tongli_messages_analyzed_total',
  help: 'Messages analysed by the engine',
  registers: [registry],
});

export const realtimeConnections = new Counter({
  name: 'tongli_realtime_connections_total',
  help: 'WebSocket connections opened, by kind',
  labelNames: ['kind'],
  registers: [registry],
});
