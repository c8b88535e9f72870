/** The HTTP app: one Koa application, its route table, the gates, and the introspection fast path. */
export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { GATES, routeTable } from './routes.js';
export { fastIntrospection } from './fast-introspection.js';
export type { FastIntrospectionDeps } from './fast-introspection.js';
export { clientAddress, trustedProxyList } from './client-address.js';
export { fingerprintRoutes, FINGERPRINT_HEADER, ACCOUNT_PATH } from './fingerprint-routes.js';
export type { FingerprintRouteDeps } from './fingerprint-routes.js';
export { gatewayCheck, GATEWAY_AUTHORIZATION } from './gateway-check.js';
export type { GatewayCheckDeps } from './gateway-check.js';
export { CHECK_PATH } from './original-request.js';
