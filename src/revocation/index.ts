export { createRevocationService } from './service.js';
export type { RevocationService, TokenState } from './service.js';
export { createRevocationMirror } from './mirror.js';
export type { RevocationMirror } from './mirror.js';
