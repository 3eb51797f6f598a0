import type { PlatformModule } from './platform.js';

/**
 * Every feature module of the platform, mounted by `createPlatform`: channels, admin routes, realtime.
 * Each lives in its own folder and exports one `PlatformModule`.
 */
export const PLATFORM_MODULES: PlatformModule[] = [];
