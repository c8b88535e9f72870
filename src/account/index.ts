/** The pages people use to look after their own account: forgotten password, and the signed-in account page. */
export { accountRoutes, ACCOUNT_PATHS } from './routes.js';
export type { AccountDeps } from './deps.js';
export { createPasswordResets } from './resets.js';
export type { PasswordResets } from './resets.js';
export { FORGOT_PATH, RESET_PATH } from './reset-pages.js';
export { createSessionDevices, browserFamily } from './devices.js';
export type { SessionDevices } from './devices.js';
export { ACCOUNT_CLIENT_ID, accountRedirectUri } from './sign-in.js';
