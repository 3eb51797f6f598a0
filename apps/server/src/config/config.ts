import { z } from 'zod';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Booleans come from the environment as strings (`true`, `0`, `yes`…) and from code as booleans. */
const flag = (fallback: boolean) => z.union([z.boolean(), z.stringbool()]).default(fallback);

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().default('127.0.0.1'),
  dataDir: z.string().min(1).default('./.tongli'),
  databaseUrl: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  redisUrl: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Public base URL, used in widget snippets and email links. */
  publicUrl: z.url().optional(),
  secureCookies: flag(false),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Store customer text with PII redacted (phone, ID card, bank card, email). */
  redactAtRest: flag(false),
  smtpPort: z.coerce.number().int().min(0).max(65535).optional(),
  smtpOutUrl: z.string().optional(),
  mailFrom: z.string().default('support@tongli.local'),
  /** On PostgreSQL, worker threads that run the background jobs beside the HTTP event loop; 0 runs them on it. */
  workers: z.coerce.number().int().min(0).max(64).default(1),
  /** Let webhooks post to loopback and private networks (an on-premises receiver); off, they reach public addresses only. */
  webhooksAllowPrivate: flag(false),
  demo: flag(true),
  /** The organisation's IANA time zone: metrics days and weekly reports follow it (TONGLI_TIME_ZONE). */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
  /** Model files from `tongli train` to load besides the shipped ones (TONGLI_MODELS, comma-separated paths). */
  models: z
    .union([
      z.array(z.string()),
      z.string().transform((value) =>
        value
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      ),
    ])
    .default([]),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → config key. Read once at start; nothing else reads process.env. */
const ENV_KEYS: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  TONGLI_DATA_DIR: 'dataDir',
  DATABASE_URL: 'databaseUrl',
  REDIS_URL: 'redisUrl',
  TONGLI_PUBLIC_URL: 'publicUrl',
  TONGLI_SECURE_COOKIES: 'secureCookies',
  LOG_LEVEL: 'logLevel',
  TONGLI_REDACT_AT_REST: 'redactAtRest',
  TONGLI_SMTP_PORT: 'smtpPort',
  TONGLI_SMTP_OUT: 'smtpOutUrl',
  TONGLI_MAIL_FROM: 'mailFrom',
  TONGLI_WORKERS: 'workers',
  TONGLI_WEBHOOKS_ALLOW_PRIVATE: 'webhooksAllowPrivate',
  TONGLI_DEMO: 'demo',
  TONGLI_TIME_ZONE: 'timeZone',
  TONGLI_MODELS: 'models',
};

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}

/**
 * Reads the configuration from environment variables plus explicit overrides, failing fast with every problem listed.
 * @example
 * const config = loadConfig(process.env, { port: 4000 });
 */
export function loadConfig(env: Record<string, string | undefined>, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = ConfigSchema.safeParse({ ...raw, ...overrides });
  if (!result.success) {
    const byKey = Object.fromEntries(Object.entries(ENV_KEYS).map(([name, key]) => [key, name]));
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `  ${byKey[key] ?? key}: ${issue.message}`;
    });
    throw new ConfigError(`tongli: invalid configuration\n${problems.join('\n')}`);
  }
  return result.data;
}
