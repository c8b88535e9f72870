// Prisma CLI configuration. Only `prisma generate` and `prisma migrate diff` are used;
// migrations are applied by src/storage/migrate.ts. The JS engine with a driver
// adapter keeps the CLI offline (the default engine would download a binary).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// The schema's datasource names env("DATABASE_URL"); without a value the CLI falls back
// to downloading a query-engine library. generate and diff never connect.
process.env.DATABASE_URL ??= 'postgresql://127.0.0.1/unused';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
