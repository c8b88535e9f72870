export { createRevocationService, grantKey, sessionKey } from './service.js';
export type { RevocationService, TokenState } from './service.js';
