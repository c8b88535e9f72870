/** Portcullis's own sign-in pages and the oidc-provider options for user sign-in. */
export { interactionRoutes } from './routes.js';
export type { InteractionDeps } from './routes.js';
export { userProviderOptions, logoutFeature, wantsMfa, INTERACTION_PREFIX } from './provider-options.js';
export { FORM_LIMIT, csrfToken } from './form.js';
export { WRONG_CREDENTIALS, WRONG_CODE } from './steps.js';
