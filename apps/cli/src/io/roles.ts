import type { Role } from '@tongli/engine';

const AGENT = new Set([
  'agent',
  'helpdesk',
  'supporter',
  'listener',
  'staff',
  'assistant',
  'operator',
  'rep',
  'support',
  'csr',
  '客服',
  '坐席',
  '座席',
  '客服代表',
]);
const CUSTOMER = new Set(['customer', 'user', 'client', 'seeker', 'speaker', 'visitor', 'caller', 'guest', '客户', '用户', '顾客', '访客']);

/** Maps the role names found in exports onto customer / agent; null for anything else (system notes, bots). */
export function toRole(value: unknown): Role | null {
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (AGENT.has(v)) return 'agent';
  if (CUSTOMER.has(v)) return 'customer';
  return null;
}
