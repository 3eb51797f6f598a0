import type { PlatformModule } from '../platform.js';
import { customerRoutes } from './routes.js';

/** Customer 360: profile across channels, history summary, repeat contacts, merges. */
export const customersModule: PlatformModule = { protectedRoutes: [customerRoutes] };
