import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../errors.js';
import type { AppEnv } from './env.js';

/**
 * A router whose zod validation failures become the API's one error shape (`invalid_input`, 400).
 * @example
 * const app = createRouter();
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
        throw new AppError('invalid_input', 400, issues.join('; '), result.error.issues);
      }
    },
  });
}
