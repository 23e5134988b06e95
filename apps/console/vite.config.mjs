// The web console (issue #17): Vite + Preact, built into dist/console and served by the api at /console/.
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false })],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 400,
  },
  // `npx vite --config apps/console/vite.config.ts`: the console with hot reload, the API on :3000
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
