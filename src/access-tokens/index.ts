export { createTokenService } from './service.js';
export type { TokenService } from './service.js';
