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
      // The API shapes the server declares (server/db/*-types.ts, enums.ts): imported with
      // `import type` only, so no server code reaches the bundle.
      $server: '../server',
    },
    // A strict Content-Security-Policy as a <meta> tag in every page (the build is static, so the
    // server sends no CSP header for HTML; it adds `frame-ancestors 'none'`, which a meta tag cannot
    // carry). Scripts: only our own files plus SvelteKit's inline bootstrap, allowed by its hash.
    // Styles may be inline: ECharts and CodeMirror set style attributes and <style> elements.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'worker-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
      },
    },
  },
};

export default config;
