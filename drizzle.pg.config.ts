import { defineConfig } from 'drizzle-kit';

/** drizzle-kit for PostgreSQL: `npx drizzle-kit generate --config drizzle.pg.config.ts` writes server/db/migrations-pg/. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.pg.ts',
  out: './server/db/migrations-pg',
});
