import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/** A platform event, named `noun.verb_past`, with the scope the realtime layer filters on. */
export interface PlatformEvent {
  type: string;
  /** Conversation the event is about, if any: realtime delivers it only to users who may see that conversation. */
  conversationId?: string;
  teamId?: string | null;
  assigneeId?: string | null;
  inboxId?: string;
  data: unknown;
}

export interface EventBus {
  publish(event: PlatformEvent): void;
  subscribe(listener: (event: PlatformEvent) => void): () => void;
  close(): Promise<void>;
}

/** One process: events go straight to local listeners. */
export function createLocalBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (event) => emitter.emit('event', event),
    subscribe: (listener) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Several processes: events fan out through Redis pub/sub, so a user connected to any process sees them. `instance`
 * names the channel (the installation's id): installations sharing a Redis never see each other's events.
 */
export async function createRedisBus(url: string, instance: string): Promise<EventBus> {
  const channel = `tongli:events:${instance}`;
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // ioredis reconnects by itself; a failed first connect is reported below, later blips need no event each.
  for (const client of [pub, sub]) client.on('error', () => undefined);
  await Promise.all([pub.connect(), sub.connect()]).catch((error: Error) => {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`tongli: cannot connect to REDIS_URL (${error.message})`);
  });
  const local = createLocalBus();
  await sub.subscribe(channel);
  sub.on('message', (_channel: string, message: string) => {
    local.publish(JSON.parse(message) as PlatformEvent);
  });
  return {
    publish: (event) => {
      void pub.publish(channel, JSON.stringify(event));
    },
    subscribe: local.subscribe,
    close: async () => {
      await local.close();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
