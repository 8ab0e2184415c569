import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// `npx vite dev` in editor/ proxies /api to a running server (ECOSCORE_API, default the server's port).
const api = process.env.ECOSCORE_API ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    // The editor imports ../engine and ../rules (the schema); node_modules live at the repo root.
    fs: { allow: [repoRoot] },
    proxy: { '/api': { target: api, changeOrigin: false } },
  },
  build: {
    chunkSizeWarningLimit: 2000,
  },
});
