/**
 * A lean HTTP/1.1 client for the benchmarks' own load: keep-alive connections on plain sockets, one request in flight
 * on each, the request written in one call and the answer read just far enough to know its status and where it ends
 * (Content-Length or chunked). With it the open-loop generator spends 111–139 µs of CPU per request at 1,000/s on
 * these 2 cores, with undici's pool 238–241: CPU the server being measured then lacked. Only for the benchmark's
 * requests: no redirects, TLS, pipelining or trailers.
 */
import { connect, type Socket } from 'node:net';

/** Called with the answer's status, or 0 when the connection failed before it came. */
type Done = (status: number) => void;

interface Connection {
  socket: Socket;
  received: Buffer | null;
  done: Done | null;
  idleSince: number;
}

/** Idle connections older than this are closed, not reused: Node's server closes them at 5 s (`keepAliveTimeout`). */
const IDLE_MS = 4_000;

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Where the answer at the start of `data` ends, with its status; undefined while it is incomplete. A chunk size that is
 * not hexadecimal ends the answer there as a failure (status 0) that closes the connection.
 */
export function parseAnswer(data: Buffer): { status: number; end: number; close: boolean } | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:[ \t]*close/.test(head);
  let end = headEnd + 4;
  const length = /\r\ncontent-length:[ \t]*(\d+)/.exec(head);
  if (length) end += Number(length[1]);
  else if (/\r\ntransfer-encoding:[^\r]*chunked/.test(head)) {
    for (;;) {
      const lineEnd = data.indexOf('\r\n', end);
      if (lineEnd < 0) return undefined;
      const size = parseInt(data.toString('latin1', end, lineEnd), 16);
      if (!(size >= 0)) return { status: 0, end: data.length, close: true };
      end = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
  }
  return end <= data.length ? { status, end, close } : undefined;
}

export class KeepAliveClient {
  private readonly idle: Connection[] = [];
  private readonly waiting: { request: string; done: Done }[] = [];
  private readonly host: string;
  private readonly port: number;
  private open = 0;

  constructor(
    origin: string,
    private readonly maxConnections: number,
  ) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
  }

  /** Sends a POST (`body` is a string, sent as UTF-8); `done` gets the status. */
  post(path: string, headers: Record<string, string>, body: string, done: Done): void {
    let request = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    for (const [name, value] of Object.entries(headers)) request += `${name}: ${value}\r\n`;
    request += `\r\n${body}`;
    const connection = this.takeIdle() ?? (this.open < this.maxConnections ? this.connect() : undefined);
    if (connection) this.send(connection, request, done);
    else this.waiting.push({ request, done });
  }

  close(): void {
    for (const connection of this.idle.splice(0)) connection.socket.destroy();
  }

  private takeIdle(): Connection | undefined {
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (performance.now() - connection.idleSince < IDLE_MS) return connection;
      connection.socket.destroy();
    }
    return undefined;
  }

  private send(connection: Connection, request: string, done: Done): void {
    connection.done = done;
    connection.received = null;
    connection.socket.write(request);
  }

  private connect(): Connection {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const connection: Connection = { socket, received: null, done: null, idleSince: 0 };
    this.open++;
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.open--;
      const at = this.idle.indexOf(connection);
      if (at >= 0) this.idle.splice(at, 1);
      connection.done?.(0);
      connection.done = null;
      const next = this.waiting.shift();
      if (next) this.send(this.connect(), next.request, next.done);
    });
    return connection;
  }

  private receive(connection: Connection, chunk: Buffer): void {
    const data = connection.received ? Buffer.concat([connection.received, chunk]) : chunk;
    const answer = parseAnswer(data);
    if (!answer) {
      connection.received = data;
      return;
    }
    const done = connection.done;
    connection.done = null;
    connection.received = null;
    if (answer.close) connection.socket.destroy();
    else {
      const next = this.waiting.shift();
      if (next) this.send(connection, next.request, next.done);
      else {
        connection.idleSince = performance.now();
        this.idle.push(connection);
      }
    }
    done?.(answer.status);
  }
}
