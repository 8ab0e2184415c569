import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The editor is a single-page app (no SSR, no prerendering) built to editor/build/ and served by the
 * Hono server at `/`, with index.html as the fallback for client-side routes. It imports the engine
 * from the repository (`$engine`) so validation and preview run the same code as the server.
 * @type {import('@sveltejs/kit').Config}
 */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: false }),
    alias: {
      $engine: '../engine',
    },
  },
};

export default config;
