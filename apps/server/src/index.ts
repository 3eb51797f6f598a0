export { loadConfig, ConfigError } from './config/config.js';
export type { Config } from './config/config.js';
export { createPlatform, startServer } from './platform.js';
export type { Platform, PlatformModule, PlatformOptions, UpgradeHandler } from './platform.js';
export { createApp } from './http/app.js';
export type { Deps } from './deps.js';
export { seedDemo } from './demo/seed.js';
export type { DemoCredentials, DemoUser, SeedDemoOptions } from './demo/seed.js';
