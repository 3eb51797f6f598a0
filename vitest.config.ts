import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@tongli/engine': src('./packages/engine/src/index.ts'),
      '@tongli/shared': src('./packages/shared/src/index.ts'),
    },
  },
  test: {
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    // Many suites wait on PostgreSQL, child servers or Chromium; on two cores a third worker overlaps that waiting.
    maxWorkers: 3,
    // The JSON report lets .ci/run print a plain `N passed, N failed` line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/tongli/vitest.json' }]],
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/server/src/**/*.test.ts',
            'apps/cli/src/**/*.test.ts',
            'packages/*/bench/**/*.test.ts',
            'apps/server/bench/**/*.test.ts',
          ],
          // Server, engine and CLI suites keep no module state between files (each opens its own database, server or
          // analyser), so a worker imports the server's module graph once instead of once per file: half the suite's time.
          isolate: false,
        },
      },
      {
        extends: true,
        // Web component tests mock modules and stub globals per file: each file keeps its own module graph.
        test: { name: 'web', include: ['apps/web/src/**/*.test.ts', 'apps/web/src/**/*.test.tsx'] },
      },
    ],
  },
});
