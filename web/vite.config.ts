import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const apiServer = 'http://127.0.0.1:7007';

/**
 * Builds the UI into `web/dist`, which `lathe server` serves at `/`.
 * `vite --config web/vite.config.ts` runs a dev server that proxies the API to a local `lathe server`.
 */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': apiServer,
      '/healthz': apiServer,
      '/readyz': apiServer,
      '/metrics': apiServer,
    },
  },
});
