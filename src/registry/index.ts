export { addClient, findClient, listClients, removeClient, clientProblem, isAbsoluteUrl, GRANTS } from './clients.js';
export type { ClientInput, ClientSummary } from './clients.js';
export { saveResource, findResource, listResources, removeResource, resourceProblem, longestTokenTtl } from './resources.js';
export type { ResourceInput, ResourceServerRecord } from './resources.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret, MIN_SECRET_LENGTH } from './client-secret.js';
