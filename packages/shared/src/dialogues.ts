import { DialogueRowSchema, describeIssue, MAX_TEXT_LENGTH, toRole } from './rows.js';

/**
 * The pure half of reading conversation exports (JSONL and CSV), shared by the CLI's streaming readers and the
 * server's batch import: one line or record in, one conversation, message or reason out.
 */

/** A conversation as read from input, with the optional metadata exports carry. */
export interface InputDialogue {
  id: string;
  /** Something the user should know about how this conversation was read (reported as a skip). */
  note?: string;
  agent?: string;
  customerName?: string;
  channel?: string;
  turns: { role: 'customer' | 'agent'; text: string }[];
}

/** The most messages of one conversation that are read (longer threads are cut, and the cut is reported). */
export const MAX_TURNS = 2000;

// C0 and C1 control characters except tab and newline: they could drive a terminal (ANSI escapes).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Untrusted text made safe to print on a terminal or in a one-line reason.
 * @example
 * printable('a\u001b[31mb'); // 'a\ufffd[31mb'
 */
export function printable(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}

/** Cuts a text to `MAX_TEXT_LENGTH` characters. */
export function cutText(text: string): string {
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}

/** CSV header names (lower case) recognised for each column. */
export const COLUMN_ALIASES: Readonly<Record<string, readonly string[]>> = {
  conversation_id: [
    'conversation_id',
    'conversation',
    'conversationid',
    'dialogue_id',
    'dialog_id',
    'ticket_id',
    'session_id',
    'chat_id',
    '会话id',
    '会话编号',
    '工单号',
  ],
  role: ['role', 'sender', 'from', 'author_type', 'speaker_role', '角色', '发送方'],
  text: ['text', 'message', 'content', 'body', 'utterance', '内容', '文本', '消息'],
  agent: ['agent', 'agent_name', 'agent_id', 'assignee', '坐席', '座席', '客服'],
  customer: ['customer', 'customer_name', '客户', '客户姓名'],
  created_at: ['created_at', 'timestamp', 'time', 'sent_at', 'datetime', '时间', '发送时间'],
  phone: ['phone', 'mobile', 'customer_phone', '手机', '手机号', '电话'],
  email: ['email', 'customer_email', '邮箱'],
  subject: ['subject', 'title', '主题', '标题'],
};

/**
 * Finds the known columns in a CSV header; `missing` lists the required ones (conversation_id, role, text) not found.
 * @example
 * resolveColumns(['会话ID', '角色', '内容']).columns; // { conversation_id: 0, role: 1, text: 2 }
 */
export function resolveColumns(header: readonly string[]): { columns: Record<string, number>; missing: string[]; normalized: string[] } {
  const normalized = header.map((h) =>
    h
      .replace(/^\ufeff/, '')
      .trim()
      .toLowerCase(),
  );
  const columns: Record<string, number> = {};
  for (const [column, aliases] of Object.entries(COLUMN_ALIASES)) {
    const index = normalized.findIndex((h) => aliases.includes(h));
    if (index >= 0) columns[column] = index;
  }
  const missing = ['conversation_id', 'role', 'text'].filter((c) => columns[c] === undefined);
  return { columns, missing, normalized };
}

export type ParsedLine =
  | { kind: 'dialogue'; dialogue: InputDialogue; row: Record<string, unknown> }
  | {
      kind: 'message';
      id: string;
      role: 'customer' | 'agent';
      text: string;
      meta: { agent?: string; customer?: string };
      row: Record<string, unknown>;
    }
  | { kind: 'error'; message: string };

/**
 * Parses one JSONL line: a whole conversation, or one message of a conversation, or why it is unusable. `row` is the
 * parsed object, for callers that read more fields (timestamps, identities).
 * @example
 * parseJsonLine('in.jsonl', 1, '{"id":"c1","turns":[{"role":"customer","text":"hi"}]}').kind; // 'dialogue'
 */
export function parseJsonLine(name: string, line: number, text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'error', message: `${name}:${line}: not valid JSON (${(error as Error).message.split('\n')[0]})` };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && !('turns' in value)) {
    const row = value as Record<string, unknown>;
    const id = row.conversation_id ?? row.conversation ?? row.dialogue_id;
    const role = toRole(row.role);
    if ((typeof id === 'string' || typeof id === 'number') && role && typeof row.text === 'string') {
      const meta: { agent?: string; customer?: string } = {};
      if (typeof row.agent === 'string') meta.agent = row.agent;
      if (typeof row.customer === 'string') meta.customer = row.customer;
      return { kind: 'message', id: String(id), role, text: row.text, meta, row };
    }
    return {
      kind: 'error',
      message: `${name}:${line}: expected a conversation {"id", "turns": [{"role", "text"}]} or a message {"conversation_id", "role", "text"}`,
    };
  }
  const parsed = DialogueRowSchema.safeParse(value);
  if (!parsed.success) return { kind: 'error', message: `${name}:${line}: ${describeIssue(parsed.error, value)}` };
  const row = parsed.data;
  const turns: InputDialogue['turns'] = [];
  const unknown = new Set<string>();
  for (const t of row.turns) {
    const role = toRole(t.role);
    if (role) turns.push({ role, text: cutText(t.text) });
    else unknown.add(printable(String(t.role).slice(0, 40)));
  }
  if (turns.length === 0) return { kind: 'error', message: `${name}:${line}: no turn has a known role (customer or agent)` };
  const dialogue: InputDialogue = { id: row.id, turns: turns.slice(0, MAX_TURNS) };
  if (unknown.size > 0) dialogue.note = `${name}:${line}: turns with unknown role ${[...unknown].map((r) => `"${r}"`).join(', ')} left out`;
  if (turns.length > MAX_TURNS) dialogue.note = `${name}:${line}: only the first ${MAX_TURNS} turns are analysed`;
  if (row.agent) dialogue.agent = row.agent;
  if (row.customer) dialogue.customerName = row.customer;
  if (row.channel) dialogue.channel = row.channel;
  return { kind: 'dialogue', dialogue, row: value as Record<string, unknown> };
}
