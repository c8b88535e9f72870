export { addClient, updateClient, findClient, listClients, removeClient, clientProblem, isAbsoluteUrl, GRANTS, fingerprintMetadata, setClientFingerprint } from './clients.js';
export type { ClientInput, ClientSummary } from './clients.js';
export { AUTH_METHODS } from './client-binding.js';
export type { AuthMethod, ClientBinding } from './client-binding.js';
export { saveResource, findResource, listResources, removeResource, resourceProblem, longestTokenTtl } from './resources.js';
export type { ResourceInput, ResourceServerRecord } from './resources.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret, MIN_SECRET_LENGTH } from './client-secret.js';
export { RegistryRefusal } from './errors.js';
export { redirectUriProblem } from './redirect-uri.js';
