import type { Io } from '../main.js';
import { CliError } from '../errors.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  demo?: boolean;
}

/**
 * `tongli serve`: the whole platform on the embedded database (or DATABASE_URL), seeded with a demo organisation on
 * first start; runs until SIGINT/SIGTERM. The server package is loaded only here, so analysis commands stay light.
 */
export async function runServe(options: ServeOptions, io: Io, signal?: AbortSignal): Promise<number> {
  const server = await import('@tongli/server');
  let config;
  try {
    config = server.loadConfig(process.env, {
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.demo === false ? { demo: false } : {}),
    });
  } catch (error) {
    if (error instanceof server.ConfigError) throw new CliError('invalid_config', error.message.replace(/^tongli: /, ''), 2);
    throw error;
  }
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `the embedded database in ${config.dataDir}`;
  io.stderr.write(`tongli: starting on ${where}…\n`);
  const platform = await server.createPlatform(config);
  const credentials = config.demo ? await server.seedDemo(platform.deps) : undefined;
  const running = await server.startServer(platform).catch(async (error: Error) => {
    await platform.close();
    throw new CliError('listen_failed', `cannot listen on ${config.host}:${config.port} (${error.message})`, 1);
  });
  io.stdout.write(`\nTongli is running at ${running.url}\n  API reference: ${running.url}/api/docs\n`);
  if (credentials) {
    io.stdout.write('\nDemo organisation created. Sign in with:\n');
    for (const user of credentials) io.stdout.write(`  ${user.role.padEnd(10)} ${user.email.padEnd(34)} ${user.password}\n`);
    io.stdout.write('(shown once; passwords are stored hashed)\n');
  }
  io.stdout.write('\nPress Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  io.stderr.write('tongli: stopping…\n');
  await running.close();
  return 0;
}
