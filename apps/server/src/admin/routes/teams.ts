import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/env.js';
import { createRouter } from '../../http/router.js';
import { notFound } from '../../errors.js';
import { authorize } from '../../policies/policies.js';
import { createTeamCommand, renameTeamCommand, setTeamMembersCommand } from '../commands/teams.js';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../http.js';
import { presentTeam, presentUserSummary } from '../presenters.js';
import { findTeam, listTeamMembers, listTeams } from '../repositories/teams.js';
import { TeamInputSchema, TeamMembersSchema, TeamSchema, IdParamSchema, UserSummarySchema } from '../schemas.js';

/** Teams: everyone may list them (transfers); admins create, rename and staff them. */
export function teamRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/teams',
      tags: ['teams'],
      summary: 'List teams with their member ids',
      responses: { 200: jsonContent(z.object({ items: z.array(TeamSchema) }), 'Teams'), ...ERRORS },
    }),
    async (c) => c.json({ items: (await listTeams(c.get('deps').db.kysely)).map(presentTeam) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/teams',
      tags: ['teams'],
      summary: 'Create a team',
      request: jsonBody(TeamInputSchema),
      responses: { 201: jsonContent(TeamSchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'team.manage');
      return c.json(presentTeam(await createTeamCommand(c.get('deps'), { principal, ip: clientIp(c) }, c.req.valid('json').name)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/teams/{id}',
      tags: ['teams'],
      summary: 'Rename a team',
      request: { params: IdParamSchema, ...jsonBody(TeamInputSchema) },
      responses: { 200: jsonContent(TeamSchema, 'Renamed'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'team.manage');
      const team = await renameTeamCommand(
        c.get('deps'),
        { principal, ip: clientIp(c) },
        c.req.valid('param').id,
        c.req.valid('json').name,
      );
      return c.json(presentTeam(team), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/teams/{id}/members',
      tags: ['teams'],
      summary: 'Active members of a team (id, name, role)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ items: z.array(UserSummarySchema) }), 'Members'), ...ERRORS },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const id = c.req.valid('param').id;
      if (!(await findTeam(db.kysely, id))) throw notFound('team');
      return c.json({ items: (await listTeamMembers(db.kysely, id)).map(presentUserSummary) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/teams/{id}/members',
      tags: ['teams'],
      summary: 'Replace the members of a team',
      request: { params: IdParamSchema, ...jsonBody(TeamMembersSchema) },
      responses: { 200: jsonContent(TeamSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'team.manage');
      const team = await setTeamMembersCommand(
        c.get('deps'),
        { principal, ip: clientIp(c) },
        c.req.valid('param').id,
        c.req.valid('json').userIds,
      );
      return c.json(presentTeam(team), 200);
    },
  );

  return app;
}
