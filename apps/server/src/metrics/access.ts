import { forbidden } from '../errors.js';
import { authorize, type Action, type Principal } from '../policies/policies.js';

/** What a principal may read of the metrics: which teams' conversations, and whose (agents: only their own). */
export interface MetricsAccess {
  teamIds: readonly string[] | 'all';
  agentId?: string | undefined;
}

/**
 * Narrows a metrics request to what the caller may see, or refuses it:
 * - API tokens, QA and admins read every team;
 * - supervisors read the teams they belong to (asking for another team is forbidden);
 * - agents read their own conversations only (asking for someone else's is forbidden).
 * @example
 * metricsAccess(supervisor, 'metrics.read', { teamId }); // { teamIds: supervisor.teamIds }
 */
export function metricsAccess(
  principal: Principal,
  action: Action,
  request: { teamId?: string | undefined; agentId?: string | undefined },
): MetricsAccess {
  authorize(principal, action);
  if (principal.kind === 'token' || principal.role === 'qa' || principal.role === 'admin') {
    return { teamIds: 'all', agentId: request.agentId };
  }
  if (principal.role === 'supervisor') {
    if (request.teamId && !principal.teamIds.includes(request.teamId)) throw forbidden('you may only read the metrics of your own teams');
    return { teamIds: principal.teamIds, agentId: request.agentId };
  }
  if (request.agentId && request.agentId !== principal.id) throw forbidden('agents may only read their own metrics');
  return { teamIds: 'all', agentId: principal.id };
}
