import type { PlatformModule } from '../platform.js';
import { analyticsRoutes } from './routes.js';

/** Analytics: dashboard figures computed in SQL over a bounded period, and CSV export per chart. */
export const analyticsModule: PlatformModule = { protectedRoutes: [analyticsRoutes] };
