/** Data rights: export and erasure of everything held about a user. */
export { exportUser, eventsAbout } from './export-user.js';
export type { PrivacyDeps } from './export-user.js';
export { eraseUser } from './erase-user.js';
export type { ErasedUser } from './erase-user.js';
