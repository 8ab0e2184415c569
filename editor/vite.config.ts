import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { precompiledSchema } from './precompiled-schema.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// `npx vite dev` in editor/ proxies /api to a running server (ECOSCORE_API, default the server's port).
const api = process.env.ECOSCORE_API ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;

export default defineConfig({
  plugins: [precompiledSchema(), sveltekit()],
  server: {
    // The editor imports ../engine and ../rules (the schema); node_modules live at the repo root.
    fs: { allow: [repoRoot] },
    proxy: { '/api': { target: api, changeOrigin: false } },
  },
  build: {
    chunkSizeWarningLimit: 2000,
  },
  // The engine's Web Worker (src/lib/engine-worker/) is its own ES module bundle, with the same
  // precompiled schema validator (no `new Function` under the page's CSP).
  worker: {
    format: 'es',
    plugins: () => [precompiledSchema()],
  },
});
