import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { clientIp, ERRORS, jsonBody, jsonContent } from '../admin/http.js';
import { notFound } from '../errors.js';
import type { AppEnv } from '../http/env.js';
import { createRouter } from '../http/router.js';
import { IdParamSchema } from '../http/schemas.js';
import { authorize } from '../policies/policies.js';
import { createRuleCommand, deleteRuleCommand, dryRunCommand, updateRuleCommand } from './commands.js';
import { presentFiring, presentRule } from './presenters.js';
import { findRule, listFirings, listRules } from './repository.js';
import {
  DryRunInputSchema,
  DryRunQuerySchema,
  DryRunResultSchema,
  FiringQuerySchema,
  FiringSchema,
  RuleInputSchema,
  RuleSchema,
  UpdateRuleSchema,
} from './schemas.js';

const TAGS = ['automation'];

/** Automation rules (conditions and actions as data), their dry-run against past conversations, and the firing log. */
export function automationRoutes(): OpenAPIHono<AppEnv> {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/automation/rules',
      tags: TAGS,
      summary: 'Automation rules in evaluation order',
      responses: { 200: jsonContent(z.object({ items: z.array(RuleSchema) }), 'Rules'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'automation.read');
      return c.json({ items: (await listRules(c.get('deps').db.kysely)).map(presentRule) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/automation/rules',
      tags: TAGS,
      summary: 'Create a rule: an event, conditions (all / any) and actions, all whitelisted',
      request: jsonBody(RuleInputSchema),
      responses: { 201: jsonContent(RuleSchema, 'Created'), ...ERRORS },
    }),
    async (c) => {
      const rule = await createRuleCommand(c.get('deps'), { principal: c.get('principal'), ip: clientIp(c) }, c.req.valid('json'));
      return c.json(presentRule(rule), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/automation/rules/{id}',
      tags: TAGS,
      summary: 'One rule',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(RuleSchema, 'The rule'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'automation.read');
      const rule = await findRule(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!rule) throw notFound('rule');
      return c.json(presentRule(rule), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/automation/rules/{id}',
      tags: TAGS,
      summary: 'Change a rule (enable / disable, conditions, actions, order)',
      request: { params: IdParamSchema, ...jsonBody(UpdateRuleSchema) },
      responses: { 200: jsonContent(RuleSchema, 'Updated'), ...ERRORS },
    }),
    async (c) => {
      const rule = await updateRuleCommand(
        c.get('deps'),
        { principal: c.get('principal'), ip: clientIp(c) },
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(presentRule(rule), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/automation/rules/{id}',
      tags: TAGS,
      summary: 'Delete a rule (its firings stay in the log)',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Deleted' }, ...ERRORS },
    }),
    async (c) => {
      await deleteRuleCommand(c.get('deps'), { principal: c.get('principal'), ip: clientIp(c) }, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/automation/rules/{id}/dry-run',
      tags: TAGS,
      summary: 'Which of the recent conversations a saved rule would match (evaluates only: no action, no firing)',
      request: { params: IdParamSchema, query: DryRunQuerySchema },
      responses: { 200: jsonContent(DryRunResultSchema, 'Matches'), ...ERRORS },
    }),
    async (c) => {
      const principal = c.get('principal');
      authorize(principal, 'automation.read');
      const rule = await findRule(c.get('deps').db.kysely, c.req.valid('param').id);
      if (!rule) throw notFound('rule');
      return c.json(await dryRunCommand(c.get('deps'), principal, rule, c.req.valid('query').limit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/automation/dry-run',
      tags: TAGS,
      summary: 'Dry-run unsaved conditions against the recent conversations (evaluates only)',
      request: jsonBody(DryRunInputSchema),
      responses: { 200: jsonContent(DryRunResultSchema, 'Matches'), ...ERRORS },
    }),
    async (c) => {
      const input = c.req.valid('json');
      return c.json(await dryRunCommand(c.get('deps'), c.get('principal'), input, input.limit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/automation/firings',
      tags: TAGS,
      summary: 'The firing log: every time a rule fired, on which conversation, and what each action did',
      request: { query: FiringQuerySchema },
      responses: { 200: jsonContent(z.object({ items: z.array(FiringSchema) }), 'Firings'), ...ERRORS },
    }),
    async (c) => {
      authorize(c.get('principal'), 'automation.read');
      const rows = await listFirings(c.get('deps').db.kysely, c.req.valid('query'));
      return c.json({ items: rows.map(presentFiring) }, 200);
    },
  );

  return app;
}
