import { z } from '@hono/zod-openapi';
import { ErrorSchema } from '../http/schemas.js';

/** Error responses every admin route documents. */
export const ERRORS = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorSchema } } },
};

/**
 * A JSON response or request body description for `createRoute`.
 * @example
 * responses: { 200: jsonContent(TeamSchema, 'The team') }
 */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export { clientIp } from '../http/client-ip.js';
