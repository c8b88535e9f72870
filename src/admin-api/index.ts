/** The admin API (/admin/v1): HTTP over the admin service (src/admin), described by /admin/openapi.json. */
export { adminRoutes, OPENAPI_PATH } from './routes.js';
export type { AdminApiDeps, AdminRoute } from './routes.js';
export { OPERATIONS, ADMIN_PREFIX } from './operations.js';
export { openApiDocument } from './openapi.js';
