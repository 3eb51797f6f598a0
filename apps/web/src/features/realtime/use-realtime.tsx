import { useEffect, useRef, useState } from 'react';

/** An event pushed by the server over `/ws/agent`. */
export interface RealtimeEvent {
  type: string;
  conversationId: string | null;
  data: unknown;
}

const RETRY_MS = [1000, 2000, 5000, 10000, 30000];

/** Reads a frame in either shape the server may send: `{type:'event', event, conversationId, data}` or `{type, data}`. */
function parseFrame(raw: unknown): RealtimeEvent | null {
  if (typeof raw !== 'string') return null;
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as { type?: unknown; event?: unknown; conversationId?: unknown; data?: unknown };
  const type = f.type === 'event' && typeof f.event === 'string' ? f.event : typeof f.type === 'string' ? f.type : null;
  if (!type || ['ready', 'pong', 'error', 'coach'].includes(type)) return null;
  const data = f.data as { conversationId?: unknown } | undefined;
  const conversationId =
    typeof f.conversationId === 'string' ? f.conversationId : typeof data?.conversationId === 'string' ? data.conversationId : null;
  return { type, conversationId, data: f.data };
}

/**
 * Listens to the agent socket and hands every event to `onEvent`; reconnects with back-off. `online` is false while
 * the socket is down (or the server has none), so callers can fall back to polling.
 */
export function useRealtime(onEvent: (event: RealtimeEvent) => void): { online: boolean } {
  const [online, setOnline] = useState(false);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let socket: WebSocket | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const connect = () => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/agent`;
      try {
        socket = new WebSocket(url);
      } catch {
        schedule();
        return;
      }
      socket.onopen = () => {
        attempt = 0;
        setOnline(true);
      };
      socket.onmessage = (message) => {
        const event = parseFrame(message.data);
        if (event) handler.current(event);
      };
      socket.onclose = () => {
        setOnline(false);
        schedule();
      };
    };
    const schedule = () => {
      if (closed) return;
      timer = setTimeout(connect, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, []);

  return { online };
}
