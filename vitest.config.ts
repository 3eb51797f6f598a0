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
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/web/src/**/*.test.tsx', 'packages/*/bench/**/*.test.ts'],
    env: { TZ: 'UTC' },
    testTimeout: 60_000,
    // Many suites wait on PostgreSQL, child servers or Chromium; on two cores a third worker overlaps that waiting.
    maxWorkers: 3,
    // The JSON report lets .ci/run print a plain `N passed, N failed` line.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/tongli/vitest.json' }]],
    hookTimeout: 120_000,
  },
});
