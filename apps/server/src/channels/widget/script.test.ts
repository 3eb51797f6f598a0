import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { serveTestPlatform } from '../../realtime/ws-testing.js';
import { createTestPlatform, type TestPlatform } from '../../testing/platform.js';
import { csatModule } from '../../csat/module.js';
import { widgetModule } from './index.js';
import { WIDGET_SCRIPT } from './script.js';

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

/** Just enough DOM for the widget; setting innerHTML anywhere fails the test. */
class FakeElement {
  style = { cssText: '', display: '', opacity: '', background: '', color: '' };
  private text = '';
  value = '';
  placeholder = '';
  title = '';
  disabled = false;
  children: FakeElement[] = [];
  attributes = new Map<string, string>();
  listeners = new Map<string, (event: unknown) => void>();
  scrollTop = 0;
  scrollHeight = 0;
  constructor(readonly tag: string) {}
  get textContent(): string {
    return this.text;
  }
  /** As in the DOM: setting the text replaces the children. */
  set textContent(text: string) {
    this.text = text;
    this.children = [];
  }
  set innerHTML(_html: string) {
    throw new Error('innerHTML used');
  }
  appendChild(child: FakeElement): void {
    this.children.push(child);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, listener);
  }
  focus(): void {}
  texts(): string[] {
    return [this.textContent, ...this.children.flatMap((c) => c.texts())].filter((t) => t !== '');
  }
  all(): FakeElement[] {
    return [this, ...this.children.flatMap((c) => c.all())];
  }
}

/** A browser-style WebSocket over the `ws` client; `sockets` lets the test drop connections. */
function createBrowserWebSocket(sockets: NodeWebSocket[]) {
  return class {
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    private ws: NodeWebSocket;
    constructor(url: string) {
      this.ws = new NodeWebSocket(url);
      sockets.push(this.ws);
      this.ws.on('open', () => this.onopen?.());
      this.ws.on('message', (data) => this.onmessage?.({ data: String(data) }));
      this.ws.on('close', () => this.onclose?.());
      this.ws.on('error', () => undefined);
    }
    get readyState(): number {
      return this.ws.readyState;
    }
    send(text: string): void {
      this.ws.send(text);
    }
  };
}

async function until<T>(read: () => T | undefined | false, timeoutMs = 8000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('widget script in a (fake) browser', () => {
  let t: TestPlatform;
  let server: { url: string; wsUrl: string; close(): Promise<void> };
  const sockets: NodeWebSocket[] = [];

  beforeAll(async () => {
    t = await createTestPlatform('pglite', { modules: [widgetModule], jobs: false });
    server = await serveTestPlatform(t);
  });
  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await server.close();
  });

  it('shows text as text, keeps the outbox across a dropped connection and sends each message once', async () => {
    const inboxId = await t.inbox('web');
    const storage = new Map<string, string>();
    const created: FakeElement[] = [];
    const body = new FakeElement('body');
    const script = new FakeElement('script');
    script.setAttribute('data-inbox', inboxId);
    const document = {
      currentScript: Object.assign(script, { src: `${server.url}/widget.js` }),
      body,
      createElement: (tag: string) => {
        const element = new FakeElement(tag);
        created.push(element);
        return element;
      },
      addEventListener: () => undefined,
    };
    const localStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) };
    const run = new Function('document', 'localStorage', 'location', 'WebSocket', 'window', WIDGET_SCRIPT) as (...args: unknown[]) => void;
    run(document, localStorage, { href: 'https://shop.example/' }, createBrowserWebSocket(sockets), { crypto: globalThis.crypto });

    const state = () => JSON.parse(storage.get(`tongli.widget.${inboxId}`) ?? '{}') as { visitorToken?: string; outbox: unknown[] };
    await until(() => state().visitorToken);
    const input = created.find((e) => e.tag === 'textarea')!;
    const form = created.find((e) => e.tag === 'form')!;
    const submit = (text: string) => {
      input.value = text;
      form.listeners.get('submit')?.({ preventDefault: () => undefined });
    };

    submit(HOSTILE);
    await until(() => state().outbox.length === 0);
    const message = await t.deps.db.kysely.selectFrom('messages').select(['conversation_id', 'body']).executeTakeFirstOrThrow();
    expect(message.body).toBe(HOSTILE);

    // Offline: the message waits in localStorage and goes out once the widget has reconnected.
    sockets.at(-1)?.terminate();
    await new Promise((resolve) => setTimeout(resolve, 20));
    submit('断线时发的');
    expect(state().outbox).toHaveLength(1);
    await until(() => state().outbox.length === 0 && sockets.length >= 2);

    const agent = await t.login('agent');
    await t.request(`/api/conversations/${message.conversation_id}/messages`, {
      method: 'POST',
      headers: agent.headers,
      body: { body: HOSTILE },
    });
    await until(() => body.texts().filter((text) => text === HOSTILE).length === 2);

    const stored = await t.deps.db.kysely
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', message.conversation_id)
      .execute();
    expect(stored.map((m) => m.body).sort()).toEqual([HOSTILE, HOSTILE, '断线时发的'].sort());
    expect(created.some((e) => e.tag === 'script' || e.tag === 'img')).toBe(false);
    expect(body.all().filter((e) => e.textContent === '断线时发的')).toHaveLength(1);
  });
});

describe('inline satisfaction survey in the widget script', () => {
  let t: TestPlatform;
  let server: { url: string; wsUrl: string; close(): Promise<void> };
  const sockets: NodeWebSocket[] = [];

  beforeAll(async () => {
    t = await createTestPlatform('pglite', { modules: [widgetModule, csatModule] });
    server = await serveTestPlatform(t);
  });
  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await server.close();
  });

  it('shows the survey as text, records nothing on a rating click, and sends rating and comment on submit', async () => {
    const inboxId = await t.inbox('web');
    const storage = new Map<string, string>();
    const created: FakeElement[] = [];
    const body = new FakeElement('body');
    const script = new FakeElement('script');
    script.setAttribute('data-inbox', inboxId);
    const document = {
      currentScript: Object.assign(script, { src: `${server.url}/widget.js` }),
      body,
      createElement: (tag: string) => {
        const element = new FakeElement(tag);
        created.push(element);
        return element;
      },
      addEventListener: () => undefined,
    };
    const localStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => storage.set(k, v) };
    const run = new Function('document', 'localStorage', 'location', 'WebSocket', 'window', WIDGET_SCRIPT) as (...args: unknown[]) => void;
    run(document, localStorage, { href: 'https://shop.example/' }, createBrowserWebSocket(sockets), { crypto: globalThis.crypto });
    const state = () => JSON.parse(storage.get(`tongli.widget.${inboxId}`) ?? '{}') as { visitorToken?: string; outbox: unknown[] };
    await until(() => state().visitorToken);
    const input = created.find((e) => e.tag === 'textarea')!;
    input.value = '退款还没到账';
    created.find((e) => e.tag === 'form')!.listeners.get('submit')?.({ preventDefault: () => undefined });
    await until(() => state().outbox.length === 0);
    const { conversation_id: conversationId } = await t.deps.db.kysely
      .selectFrom('messages')
      .select('conversation_id')
      .executeTakeFirstOrThrow();
    const admin = await t.token('admin');
    await t.request(`/api/conversations/${conversationId}`, { method: 'PATCH', headers: admin.headers, body: { status: 'resolved' } });
    await t.runner.drain();

    const comment = await until(() => created.find((e) => e.tag === 'textarea' && e.placeholder.startsWith('还有什么')));
    const button = (label: string) => created.find((e) => e.tag === 'button' && e.textContent === label);
    const send = button('提交评价')!;
    expect(send.disabled).toBe(true);
    button('4')!.listeners.get('click')?.({});
    expect(send.disabled).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const survey = () =>
      t.deps.db.kysely
        .selectFrom('csat_surveys')
        .select(['rating', 'comment'])
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
    expect(await survey()).toEqual({ rating: null, comment: null });

    comment.value = HOSTILE;
    send.listeners.get('click')?.({});
    await until(() => body.texts().includes('感谢您的评价！'));
    expect(await survey()).toEqual({ rating: 4, comment: HOSTILE });
    expect(created.some((e) => e.tag === 'script' || e.tag === 'img')).toBe(false);
  });
});
