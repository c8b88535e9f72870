export { createApp } from './app.js';
export type { AppDeps, RequestState } from './app.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { createProvider } from './provider.js';
export { createProviderHolder } from './provider-holder.js';
export { bridgeProvider, SHIELD } from './oidc-bridge.js';
export type { BridgeHooks, RevokedToken } from './oidc-bridge.js';
