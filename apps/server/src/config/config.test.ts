import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('reads the environment once, with defaults', () => {
    const config = loadConfig({ PORT: '4000', TONGLI_DEMO: 'false', TONGLI_MODELS: 'a.json, b.json' });
    expect(config).toMatchObject({ port: 4000, host: '127.0.0.1', dataDir: './.tongli', demo: false, models: ['a.json', 'b.json'] });
  });

  it('lists every problem by its environment variable name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TONGLI_SECURE_COOKIES: 'perhaps' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('TONGLI_SECURE_COOKIES');
  });
});
