import type { PlatformModule } from '../platform.js';
import { qaRoutes } from './routes.js';

/** QA: evaluations, human reviews with overrides, disputes and calibration between reviewers. */
export const qaModule: PlatformModule = { protectedRoutes: [qaRoutes] };
