/** The scorer with fixed vectors: known legitimate drifts score as drift, other devices as mismatch. */
import { activeComponents, classify, compareFingerprints, hashComponents, similarity, stableDigest, type Components } from '../../../src/fingerprint/index.js';

const key = new Uint8Array(32).fill(7);
const all = activeComponents('all', true);
const thresholds = { match: 0.95, drift: 0.85 }; // the defaults (FINGERPRINT_MATCH, FINGERPRINT_DRIFT)

const laptop: Components = {
  canvas: 'c1a', audio: '124.04', fonts: 'f-laptop', fontPreferences: 'fp1', webGlBasics: 'ANGLE Intel', webGlExtensions: 'wx1', math: 'm1',
  platform: 'Linux x86_64', hardwareConcurrency: '8', deviceMemory: '8', architecture: '127', vendor: 'Google Inc.', vendorFlavors: '["chrome"]',
  touchSupport: 't0', colorDepth: '24', colorGamut: 'srgb', plugins: 'p1', inputDevices: 'pointer:fine,hover:hover', pdfViewerEnabled: 'true',
  cookiesEnabled: 'true', localStorage: 'true', sessionStorage: 'true', indexedDB: 'true',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', browserMajor: 'Chrome 131',
  screenResolution: '[1920,1080]', screenFrame: '[0,0,0,0]', languages: '[["en-GB"]]', dateTimeLocale: 'en-GB', timezone: 'Europe/London',
  'http.ua': 'Mozilla/5.0 Chrome/131', 'http.lang': 'en-GB,en;q=0.9', ip: '192.0.2.0/24',
};
const h = (c: Components) => hashComponents(key, c, all);

describe('similarity', () => {
  it('is 1 for the same fingerprint and the digest is stable', () => {
    expect(similarity(h(laptop), h(laptop), all).score).toBe(1);
    expect(stableDigest(h(laptop), all)).toBe(stableDigest(h({ ...laptop, userAgent: 'other', timezone: 'Asia/Tokyo' }), all));
  });

  it.each([
    ['browser version bump', { userAgent: laptop.userAgent.replace('131', '132'), browserMajor: 'Chrome 132', 'http.ua': 'Mozilla/5.0 Chrome/132' }],
    ['new monitor', { screenResolution: '[2560,1440]', screenFrame: '[0,0,40,0]' }],
    ['travel (timezone, network)', { timezone: 'America/New_York', ip: '198.51.100.0/24' }],
    ['language change', { languages: '[["fr-FR"]]', dateTimeLocale: 'fr-FR', 'http.lang': 'fr-FR' }],
  ])('%s is a match or drift, never a mismatch, and leaves the digest unchanged', (_name, change) => {
    const r = compareFingerprints(h(laptop), h({ ...laptop, ...change }), all, thresholds);
    expect(r.outcome).not.toBe('mismatch');
    expect(r.changed.sort()).toEqual(Object.keys(change).sort());
    expect(stableDigest(h({ ...laptop, ...change }), all)).toBe(stableDigest(h(laptop), all));
  });

  it('all volatile components changing at once (update + travel + new monitor) is still a drift', () => {
    const moved = { ...laptop, userAgent: 'UA 132', browserMajor: 'Chrome 132', 'http.ua': 'UA 132', screenResolution: '[2560,1440]', timezone: 'Asia/Tokyo', languages: '[["ja"]]', dateTimeLocale: 'ja', 'http.lang': 'ja', ip: '203.0.113.0/24' };
    const r = compareFingerprints(h(laptop), h(moved), all, thresholds);
    expect(r.outcome).toBe('drift');
  });

  it('another device of the same model and browser (different canvas, audio, fonts, GPU) is a mismatch', () => {
    const other = { ...laptop, canvas: 'c2', audio: '35.7', fonts: 'f-other', fontPreferences: 'fp2', webGlBasics: 'ANGLE NVIDIA', webGlExtensions: 'wx2' };
    expect(compareFingerprints(h(laptop), h(other), all, thresholds).outcome).toBe('mismatch');
  });

  it('a fingerprint with most components missing scores low (no credit for what is not sent)', () => {
    const sparse = { canvas: laptop.canvas, platform: laptop.platform };
    expect(compareFingerprints(h(laptop), h(sparse), all, thresholds).outcome).toBe('mismatch');
  });

  it('fixed vector: exact score of a canvas-only change', () => {
    const total = all.filter((c) => laptop[c.name] !== undefined).reduce((s, c) => s + c.weight, 0);
    const canvas = all.find((c) => c.name === 'canvas')!.weight;
    const { score } = similarity(h(laptop), h({ ...laptop, canvas: 'x' }), all);
    expect(score).toBeCloseTo((total - canvas) / total, 10);
  });

  it('components switched off are not compared', () => {
    const low = activeComponents('all', false);
    expect(low.map((c) => c.name)).not.toContain('canvas');
    const r = similarity(hashComponents(key, laptop, low), hashComponents(key, { ...laptop, canvas: 'other' }, low), low);
    expect(r.score).toBe(1);
  });

  it('classify follows the thresholds', () => {
    expect(classify(0.96, thresholds)).toBe('match');
    expect(classify(0.95, thresholds)).toBe('match');
    expect(classify(0.9, thresholds)).toBe('drift');
    expect(classify(0.85, thresholds)).toBe('drift');
    expect(classify(0.84, thresholds)).toBe('mismatch');
  });

  it('keyed hashes depend on the key (no cross-deployment linking)', () => {
    const other = hashComponents(new Uint8Array(32).fill(8), laptop, all);
    expect(other.canvas).not.toBe(h(laptop).canvas);
  });
});
