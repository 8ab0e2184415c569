/**
 * The bare Hono app `npm run bench:api` compares with: one route answering what /api/health
 * answers, on @hono/node-server, no middleware. PORT sets the port.
 */
import { Hono } from 'hono';
import { serve } from '@hono/node-server';

const app = new Hono();
app.get('/api/health', (c) => c.json({ status: 'ok', version: '0.1.0' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => {
  process.stdout.write('ready\n');
});
