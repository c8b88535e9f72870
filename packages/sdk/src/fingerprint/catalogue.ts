/**
 * Every component Portcullis knows, with its weight in the similarity score and
 * whether it is part of the stable digest. Weights combine stability (how rarely the
 * value changes on one device) and entropy (how much it tells devices apart); see
 * docs/fingerprint.md for the reasoning and the evaluation that tuned them.
 *
 * `source`: `browser` components come from the collector (FingerprintJS sources plus
 * our extras), `server` ones are observed by the issuer itself (`http.*`, `ip`).
 */
export interface ComponentSpec {
  name: string;
  weight: number;
  /** in the digest of stable components (token claim `fpd`) */
  stable: boolean;
  /** high-entropy: switched off by FINGERPRINT_HIGH_ENTROPY=false */
  highEntropy?: boolean;
  source: 'browser' | 'server';
  /** what it is, for the disclosure */
  description: string;
}

const b = (name: string, weight: number, stable: boolean, description: string, highEntropy = false): ComponentSpec => ({ name, weight, stable, description, highEntropy, source: 'browser' });
const s = (name: string, weight: number, description: string): ComponentSpec => ({ name, weight, stable: false, description, source: 'server' });

export const CATALOGUE: readonly ComponentSpec[] = Object.freeze([
  // stable, high entropy: a different device almost always differs here. Canvas and
  // font widths also move with the device scale factor (a HiDPI monitor), so they weigh
  // less than installed fonts, platform and hardware (eval:fingerprint, docs/fingerprint.md).
  b('canvas', 4, true, 'hash of a test drawing on a canvas', true),
  b('audio', 3, true, 'hash of a short rendered audio signal', true),
  b('fonts', 7, true, 'which of a list of fonts are installed', true),
  b('fontPreferences', 1.5, true, 'widths of default fonts', true),
  b('webGlBasics', 6, true, 'WebGL vendor and renderer'),
  b('webGlExtensions', 3, true, 'hash of the WebGL extensions and parameters'),
  b('math', 2, true, 'results of floating-point functions (engine and CPU)'),
  // stable, low entropy
  b('platform', 5, true, 'operating system platform string'),
  b('hardwareConcurrency', 3, true, 'number of logical processors'),
  b('deviceMemory', 3, true, 'approximate device memory'),
  b('architecture', 1, true, 'CPU architecture hint'),
  b('vendor', 1, true, 'browser vendor string'),
  b('vendorFlavors', 1, true, 'browser flavour markers'),
  b('touchSupport', 2, true, 'touch points and touch events'),
  b('colorDepth', 1, true, 'screen colour depth'),
  b('colorGamut', 1, true, 'screen colour gamut'),
  b('plugins', 1, true, 'hash of the plugin list'),
  b('inputDevices', 1, true, 'pointer and hover capabilities'),
  b('pdfViewerEnabled', 0.5, true, 'built-in PDF viewer present'),
  b('cookiesEnabled', 0.5, true, 'cookies enabled'),
  b('localStorage', 0.5, true, 'local storage available'),
  b('sessionStorage', 0.5, true, 'session storage available'),
  b('indexedDB', 0.5, true, 'IndexedDB available'),
  // volatile: legitimate changes (updates, travel, a new monitor) move these
  b('userAgent', 1, false, 'browser user agent string'),
  b('browserMajor', 0.5, false, 'browser name and major version (derived from the user agent)'),
  b('screenResolution', 1, false, 'screen size'),
  b('screenFrame', 0.5, false, 'space taken by task bars'),
  b('languages', 1, false, 'preferred languages'),
  b('dateTimeLocale', 0.5, false, 'date and time locale'),
  b('timezone', 1, false, 'time zone'),
  b('domBlockers', 0.5, false, 'content blockers detected'),
  b('reducedMotion', 0.25, false, 'reduced-motion preference'),
  b('contrast', 0.25, false, 'contrast preference'),
  b('forcedColors', 0.25, false, 'forced-colours mode'),
  b('incognito', 0.5, false, 'private-browsing hint (storage quota)'),
  b('battery', 0.25, false, 'battery API present'),
  b('network', 0.25, false, 'network connection type'),
  s('http.ua', 1, 'User-Agent header'),
  s('http.lang', 0.5, 'Accept-Language header'),
  s('ip', 1, 'client address, truncated to its /24 (IPv4) or /48 (IPv6) network'),
]);

/** The catalogue filtered by configuration (FINGERPRINT_COMPONENTS, FINGERPRINT_HIGH_ENTROPY). */
export function activeComponents(names: readonly string[] | 'all', highEntropy: boolean): ComponentSpec[] {
  return CATALOGUE.filter((c) => (names === 'all' || names.includes(c.name)) && (highEntropy || !c.highEntropy));
}

/** Names of every known component. */
export const COMPONENT_NAMES: readonly string[] = CATALOGUE.map((c) => c.name);
