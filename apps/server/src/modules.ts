import { platformModule } from './admin/module.js';
import { analyticsModule } from './analytics/module.js';
import { automationModule } from './automation/module.js';
import { csatModule } from './csat/module.js';
import { customersModule } from './customers/module.js';
import { emailModule } from './channels/email/index.js';
import { widgetModule } from './channels/widget/index.js';
import { importsModule } from './imports/module.js';
import { metricsModule } from './metrics/module.js';
import type { PlatformModule } from './platform.js';
import { promisesModule } from './promises/module.js';
import { qaModule } from './qa/module.js';
import { agentSocketModule } from './realtime/ws-agent.js';
import { routingModule } from './routing/module.js';
import { slaModule } from './sla/module.js';
import { webModule } from './web/module.js';

/**
 * Every feature module of the platform, mounted by `createPlatform`: channels, admin routes, realtime.
 * Each lives in its own folder and exports one `PlatformModule`.
 */
export const PLATFORM_MODULES: PlatformModule[] = [
  importsModule,
  emailModule,
  qaModule,
  widgetModule,
  agentSocketModule,
  customersModule,
  platformModule,
  analyticsModule,
  automationModule,
  routingModule,
  metricsModule,
  csatModule,
  slaModule,
  promisesModule,
  webModule,
];
