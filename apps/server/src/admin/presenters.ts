import type { Inbox, User } from '../db/schema.js';
import type { AuditRow } from './repositories/audit.js';
import type { CannedReplyRow, CannedUsage } from './repositories/canned.js';
import type { GuidelinesRow } from './repositories/guidelines.js';
import type { TeamRow } from './repositories/teams.js';
import type { ApiTokenRow } from './repositories/tokens.js';
import type { WebhookDeliveryRow, WebhookRow } from './repositories/webhooks.js';
import { variablesOf, type TemplateAnalysis } from './commands/canned.js';

/** What every signed-in user may see of a colleague (agents need names for transfers). */
export function presentUserSummary(u: Pick<User, 'id' | 'name' | 'role'>) {
  return { id: u.id, name: u.name, role: u.role };
}

/** Full details for admins; never the password hash. */
export function presentUser(u: User & { team_ids: string[] }) {
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    email: u.email,
    locale: u.locale,
    skills: u.skills,
    teamIds: u.team_ids,
    createdAt: u.created_at.toISOString(),
    disabledAt: u.disabled_at?.toISOString() ?? null,
  };
}

export function presentTeam(t: TeamRow) {
  return { id: t.id, name: t.name, memberIds: t.member_ids, createdAt: t.created_at.toISOString() };
}

/** Inbox settings (web identity secret, mail address) only reach admins. */
export function presentInbox(i: Inbox, options: { withSettings: boolean }) {
  return {
    id: i.id,
    name: i.name,
    channel: i.channel,
    teamId: i.team_id,
    createdAt: i.created_at.toISOString(),
    ...(options.withSettings ? { settings: i.settings } : {}),
  };
}

export function presentApiToken(t: ApiTokenRow) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    createdBy: t.created_by,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
  };
}

export function presentWebhook(w: WebhookRow) {
  return { id: w.id, url: w.url, events: w.events, active: w.active, createdBy: w.created_by, createdAt: w.created_at.toISOString() };
}

export function presentDelivery(d: WebhookDeliveryRow) {
  return {
    id: d.id,
    webhookId: d.webhook_id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.response_status,
    error: d.last_error,
    createdAt: d.created_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
  };
}

export function presentGuidelines(g: GuidelinesRow) {
  return { version: g.version, content: g.content, updatedBy: g.updated_by, createdAt: g.created_at.toISOString() };
}

/** A canned reply with its usage statistics and the engine's analysis of its text. */
export function presentCannedReply(r: CannedReplyRow, usage: CannedUsage | undefined, analysis: TemplateAnalysis) {
  return {
    id: r.id,
    shortCode: r.short_code,
    title: r.title,
    body: r.body,
    locale: r.locale,
    variables: variablesOf(r.body),
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    usage: { count: usage?.count ?? 0, lastUsedAt: usage?.lastUsedAt?.toISOString() ?? null },
    analysis,
  };
}

export function presentAuditEntry(a: AuditRow) {
  return {
    id: Number(a.id),
    actorId: a.actor_id,
    actorType: a.actor_type,
    action: a.action,
    targetType: a.target_type,
    targetId: a.target_id,
    details: a.details,
    ip: a.ip,
    createdAt: a.created_at.toISOString(),
  };
}
