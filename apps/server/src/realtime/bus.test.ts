import { describe, expect, it } from 'vitest';
import { createLocalBus, createRedisBus, type PlatformEvent } from './bus.js';

const REDIS_URL = process.env.REDIS_URL;

function nextEvent(subscribe: (listener: (event: PlatformEvent) => void) => () => void): Promise<PlatformEvent> {
  return new Promise((resolve) => {
    const off = subscribe((event) => {
      off();
      resolve(event);
    });
  });
}

describe('event bus', () => {
  it('delivers in-process events to every subscriber until it unsubscribes', () => {
    const bus = createLocalBus();
    const seen: string[] = [];
    const off = bus.subscribe((event) => seen.push(event.type));
    bus.publish({ type: 'message.created', data: {} });
    off();
    bus.publish({ type: 'message.analyzed', data: {} });
    expect(seen).toEqual(['message.created']);
  });

  it.skipIf(!REDIS_URL)('fans events out between processes through Redis', async () => {
    // Two buses stand for two server processes sharing one Redis.
    const a = await createRedisBus(REDIS_URL ?? '');
    const b = await createRedisBus(REDIS_URL ?? '');
    try {
      const received = nextEvent(b.subscribe);
      a.publish({ type: 'alert.raised', conversationId: 'c1', teamId: null, data: { kind: 'abuse', text: '<script>' } });
      expect(await received).toEqual({
        type: 'alert.raised',
        conversationId: 'c1',
        teamId: null,
        data: { kind: 'abuse', text: '<script>' },
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails with a readable error when Redis cannot be reached', async () => {
    await expect(createRedisBus('redis://127.0.0.1:1')).rejects.toThrow(/cannot connect to REDIS_URL/);
  });
});
