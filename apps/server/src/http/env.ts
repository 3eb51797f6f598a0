import type { Deps } from '../deps.js';
import type { Principal } from '../policies/policies.js';

/** Hono context for every route: the dependencies, and who is calling once authenticated. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    principal: Principal;
    /** Set for cookie sessions (CSRF applies); absent for API tokens. */
    csrfToken: string | undefined;
  };
}
