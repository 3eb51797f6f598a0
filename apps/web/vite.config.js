import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web app builds to `dist/`, served by the platform at `/` (apps/server/src/web). Hashed files under
 * `assets/` are cached for a year; scenes and the engine are separate chunks loaded on demand.
 */
export default defineConfig({
  plugins: [react()],
  resolve: {
    // The engine's source, so a build never picks up a stale `dist/` of the engine.
    alias: { '@tongli/engine': here('../../packages/engine/src/index.ts') },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // No inline scripts: the server's Content-Security-Policy allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/ },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'engine', test: /packages[\\/]engine[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/ws': { target: 'ws://127.0.0.1:3000', ws: true } } },
});
