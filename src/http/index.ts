export { createApp } from './app.js';
export type { AppDeps } from './app.js';
export { createRequestStates } from './request-state.js';
export type { RequestState, RequestStates } from './request-state.js';
export { createMetrics } from './metrics.js';
export type { Metrics } from './metrics.js';
export { createProvider, providerRequest } from './provider.js';
export { createProviderHolder } from './provider-holder.js';
export { bridgeProvider, SHIELD } from './oidc-bridge.js';
export type { BridgeHooks, RevokedToken } from './oidc-bridge.js';
export { fastIntrospection } from './fast-introspection.js';
export type { FastIntrospectionDeps } from './fast-introspection.js';
export { createTtlCache } from './ttl-cache.js';
export { createAuthzConfiguration } from './authz-config.js';
export type { AuthzConfigDeps } from './authz-config.js';
export type { BindingDeps } from './binding-features.js';
// throttling (issue 9)
export { clientAddress, trustedProxyList } from './client-address.js';
export { throttleGate, throttleOutcome } from './throttle-gate.js';
export type { ThrottledRequest } from './throttle-gate.js';
// device fingerprints (issue 6)
export { fingerprintClaims, bindFingerprintSessions, withFingerprintCheck } from './fingerprint-features.js';
export type { FingerprintDeps } from './fingerprint-features.js';
export { fingerprintRoutes, introspectionFingerprintCheck, FINGERPRINT_HEADER, ACCOUNT_PATH } from './fingerprint-routes.js';
export type { FingerprintRouteDeps } from './fingerprint-routes.js';
// risk (issue 7)
export { riskGate, riskOutcome, riskBeforeSigning } from './risk-gate.js';
export type { RiskRequest } from './risk-gate.js';
