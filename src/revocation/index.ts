export { createRevocationService } from './service.js';
export type { RevocationService, TokenState } from './service.js';
