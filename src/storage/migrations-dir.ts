import { fileURLToPath } from 'node:url';

/** prisma/migrations, resolved from the compiled (dist/src/storage) or source (src/storage) location. */
export const MIGRATIONS_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../prisma/migrations' : '../../prisma/migrations', import.meta.url));
