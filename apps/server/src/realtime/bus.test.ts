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

  it.skipIf(!REDIS_URL)('fans events out between the processes of one installation through Redis, and only those', async () => {
    // Two buses stand for two server processes of one installation sharing one Redis; a third is another installation.
    const a = await createRedisBus(REDIS_URL ?? '', 'install-1');
    const b = await createRedisBus(REDIS_URL ?? '', 'install-1');
    const other = await createRedisBus(REDIS_URL ?? '', 'install-2');
    const leaked: PlatformEvent[] = [];
    other.subscribe((event) => leaked.push(event));
    try {
      const received = nextEvent(b.subscribe);
      a.publish({ type: 'alert.raised', conversationId: 'c1', teamId: null, data: { kind: 'abuse', text: '<script>' } });
      expect(await received).toEqual({
        type: 'alert.raised',
        conversationId: 'c1',
        teamId: null,
        data: { kind: 'abuse', text: '<script>' },
      });
      // b got it, so Redis delivered it; the other installation's subscriber on the same server did not.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(leaked).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('fails with a readable error when Redis cannot be reached', async () => {
    await expect(createRedisBus('redis://127.0.0.1:1', 'install-1')).rejects.toThrow(/cannot connect to REDIS_URL/);
  });
});
