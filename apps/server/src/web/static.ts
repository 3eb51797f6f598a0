import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build -w @tongli/web` writes the web app, from both `src/web` and `dist/web` of the server. */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);

export interface StaticFile {
  body: Buffer;
  /** The gzip encoding, for text files over 1 KiB. */
  gzip?: Buffer;
  type: string;
  /** Content-hashed files under `assets/` never change: cache them for a year. */
  immutable: boolean;
}

/** The files of a built web app, keyed by URL path (`/index.html`, `/assets/index-3f2a.js`). */
export type StaticFiles = ReadonlyMap<string, StaticFile>;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? Promise.resolve([join(dir, e.name)]) : Promise.resolve([]),
    ),
  );
  return nested.flat();
}

/**
 * Reads a built web app into memory (a few MB), gzipping text files once; undefined when the folder has no
 * `index.html`. Only the files listed here are ever served, so no request path reaches the file system.
 * @example
 * const files = await loadStaticFiles(DEFAULT_WEB_DIST);
 */
export async function loadStaticFiles(dir: string): Promise<StaticFiles | undefined> {
  const index = await stat(join(dir, 'index.html')).catch(() => undefined);
  if (!index?.isFile()) return undefined;
  const files = new Map<string, StaticFile>();
  for (const path of await walk(dir)) {
    const urlPath = '/' + relative(dir, path).split(sep).join('/');
    const dot = urlPath.lastIndexOf('.');
    const ext = dot > urlPath.lastIndexOf('/') ? urlPath.slice(dot).toLowerCase() : '';
    const body = await readFile(path);
    const file: StaticFile = { body, type: TYPES[ext] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') };
    if (COMPRESSIBLE.has(ext) && body.length > 1024) file.gzip = gzipSync(body, { level: 9 });
    files.set(urlPath, file);
  }
  return files;
}
