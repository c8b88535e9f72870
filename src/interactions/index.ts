/** Portcullis's own sign-in pages: login, second factor, consent, and sign-out. */
export { interactionRoutes } from './routes.js';
export type { InteractionDeps } from './routes.js';
export { FORM_LIMIT, csrfToken, readForm, FormError } from './form.js';
export { contentSecurityPolicy } from './csp.js';
export { WRONG_CREDENTIALS, WRONG_CODE } from './steps.js';
export { logoutPage, signedOutPage, layout, escapeHtml, errorPage, waitFor, DEFAULT_BRAND } from './pages.js';
export type { Brand } from './pages.js';
