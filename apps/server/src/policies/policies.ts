import type { Role } from '../db/schema.js';
import { forbidden } from '../errors.js';

/** Who is calling: a signed-in user or an API token (tokens act with their role and see every team). */
export interface Principal {
  kind: 'user' | 'token';
  id: string;
  name: string;
  role: Role;
  teamIds: readonly string[];
}

/** What each role may do; routes ask for an action, never for a role. */
const ACTIONS = {
  'conversation.read_all': ['supervisor', 'qa', 'admin'],
  'conversation.write': ['agent', 'supervisor', 'admin'],
  'conversation.assign_others': ['supervisor', 'admin'],
  'customer.merge': ['supervisor', 'admin'],
  'evaluation.review': ['qa', 'supervisor', 'admin'],
  'evaluation.dispute': ['agent', 'supervisor', 'admin'],
  'guidelines.edit': ['supervisor', 'admin'],
  'scorecard.edit': ['qa', 'supervisor', 'admin'],
  'canned.edit': ['supervisor', 'admin'],
  'import.run': ['supervisor', 'admin'],
  'widget.install': ['supervisor', 'admin'],
  'channel.ingest': ['supervisor', 'admin'],
  'webhook.manage': ['admin'],
  'token.manage': ['admin'],
  'user.manage': ['admin'],
  'team.manage': ['admin'],
  'inbox.manage': ['admin'],
  'audit.read': ['admin'],
  'export.read': ['supervisor', 'qa', 'admin'],
  'analytics.read': ['supervisor', 'qa', 'admin'],
  'sla.manage': ['supervisor', 'admin'],
  'promise.update': ['agent', 'supervisor', 'admin'],
  'routing.read': ['supervisor', 'admin'],
  'routing.manage': ['supervisor', 'admin'],
  'automation.read': ['supervisor', 'admin'],
  'automation.manage': ['supervisor', 'admin'],
  // Metrics: agents read their own figures only; supervisors their teams' (see metrics/access.ts).
  'metrics.read': ['agent', 'supervisor', 'qa', 'admin'],
  'metrics.export': ['supervisor', 'qa', 'admin'],
  'report.read': ['supervisor', 'qa', 'admin'],
  // CSAT surveys: QA and admins read all; supervisors their teams'; agents their own (see csat/routes.ts).
  'csat.read_all': ['qa', 'admin'],
  'csat.read_team': ['supervisor', 'qa', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTIONS;

/** Whether the principal's role allows the action. */
export function can(principal: Principal, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(principal.role);
}

/** Throws `forbidden` unless the principal's role allows the action. */
export function authorize(principal: Principal, action: Action): void {
  if (!can(principal, action)) throw forbidden(`your role (${principal.role}) may not ${action.replace('.', ' ').replace('_', ' ')}`);
}

/**
 * Agents see the conversations of their teams, those assigned to them, and the shared queue (no team);
 * supervisors, QA, admins and API tokens see all.
 */
export function canSeeConversation(principal: Principal, conversation: { team_id: string | null; assignee_id: string | null }): boolean {
  if (principal.kind === 'token' || can(principal, 'conversation.read_all')) return true;
  if (conversation.assignee_id === principal.id) return true;
  return conversation.team_id === null || principal.teamIds.includes(conversation.team_id);
}

/** The teams whose conversations the principal may list, or 'all'. */
export function visibleTeamIds(principal: Principal): readonly string[] | 'all' {
  return principal.kind === 'token' || can(principal, 'conversation.read_all') ? 'all' : principal.teamIds;
}
