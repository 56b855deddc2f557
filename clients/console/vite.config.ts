import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression } from 'vite-plugin-compression2';

const apiClient = fileURLToPath(new URL('../../libs/api-client/src/index.ts', import.meta.url));
// monaco-yaml's worker imports `monaco-editor/esm/vs/…`, a path Monaco 0.57's exports map no longer has.
const monacoEsm = fileURLToPath(new URL('../../node_modules/monaco-editor/esm/vs/', import.meta.url));
const gateway = process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:8080';

// Served by the gateway under /console (same origin as the API; CSP allows only 'self' scripts).
export default defineConfig({
  base: '/console/',
  plugins: [
    react(),
    // Precompressed .gz and .br beside every asset: the gateway serves them as they are (no CPU per request).
    compression({ algorithms: ['gzip', 'brotliCompress'], exclude: [/\.(png|jpg|jpeg|gif|webp|woff2?)$/] }),
  ],
  resolve: {
    // The typed client from its sources: no lib build needed before the console's.
    alias: [
      { find: '@af/api-client', replacement: apiClient },
      { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: scripts/check-budget.mjs reads the entry's static imports from it.
    manifest: true,
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  server: { proxy: { '/v1': gateway } },
  preview: { proxy: { '/v1': gateway } },
});
