/** Familiar places: the browsers and networks a person signed in from, for lockouts that strangers cannot trigger. */
export { createFamiliarPlaces } from './places.js';
export type { FamiliarPlaces, Place } from './places.js';
export { DEVICE_COOKIE, deviceOf, ensureDevice } from './device-cookie.js';
