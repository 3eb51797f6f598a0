import type { PlatformModule } from '../platform.js';
import { exportRoutes } from './export.js';
import { importRoutes } from './routes.js';

/** Batch import of conversation history and PII-safe export. */
export const importsModule: PlatformModule = { protectedRoutes: [importRoutes, exportRoutes] };
