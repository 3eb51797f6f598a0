import type { PlatformModule } from '../platform.js';
import { metricsRoutes, reportRoutes } from './routes.js';

/**
 * Metrics (C9): CSAT, FCR, first response, handle time, empathy, emotion turnaround and abusive-contact exposure per
 * agent, team or day, rolled up on read (definitions in docs/METRICS.md); CSV and XLSX exports; weekly team report.
 */
export const metricsModule: PlatformModule = { protectedRoutes: [metricsRoutes, reportRoutes] };
