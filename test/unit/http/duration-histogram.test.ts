/**
 * DurationHistogram (src/http/duration-histogram.ts) counts request durations without
 * prom-client's per-call label work; a scrape must still read exactly what prom-client's
 * own Histogram renders for the same observations, in both the text and JSON forms.
 */
import { Histogram, Registry } from 'prom-client';
import { DurationHistogram } from '../../../src/http/duration-histogram.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
const OBSERVED: [string, string, number][] = [
  ['/token', '200', 0.0004], ['/token', '200', 0.001], ['/token', '200', 0.0011], ['/token', '200', 0.7],
  ['/token', '401', 0.003], ['/introspect', '200', 12], ['/introspect', '200', 0.05], ['/introspect', '200', 5],
  ['other', '404', 0], ['/introspect', '200', 0.0999],
];

function both(): { ours: Registry; theirs: Registry; histogram: DurationHistogram } {
  const ours = new Registry();
  const theirs = new Registry();
  const histogram = new DurationHistogram('x_seconds', 'help text', ['route', 'status'], BUCKETS, ours);
  const reference = new Histogram({ name: 'x_seconds', help: 'help text', labelNames: ['route', 'status'], buckets: BUCKETS, registers: [theirs] });
  for (const [route, status, seconds] of OBSERVED) {
    histogram.child(route, status).observe(seconds);
    reference.labels(route, status).observe(seconds);
  }
  return { ours, theirs, histogram };
}

describe('DurationHistogram', () => {
  it('renders the same exposition text as prom-client for the same observations', async () => {
    const { ours, theirs } = both();
    const text = await ours.metrics();
    expect(text).toContain('x_seconds_bucket{le="0.001",route="/token",status="200"} 2');
    expect(text).toContain('x_seconds_bucket{le="+Inf",route="/introspect",status="200"} 4');
    expect(text).toBe(await theirs.metrics());
  });

  it('renders the same JSON as prom-client (exemplars aside: they are off)', async () => {
    const { ours, theirs } = both();
    const plain = async (r: Registry) => JSON.parse(JSON.stringify(await r.getMetricsAsJSON(), (key, value) => (key === 'exemplar' ? undefined : value)));
    expect(await plain(ours)).toEqual(await plain(theirs));
  });

  it('one child per label set, found again by the same values; reset empties it', async () => {
    const { ours, histogram } = both();
    histogram.child('/token', '200').observe(0.002);
    expect(await ours.metrics()).toContain('x_seconds_count{route="/token",status="200"} 5');
    histogram.reset();
    expect(await ours.metrics()).not.toContain('x_seconds_count');
  });

  it('ignores a value that is not a finite number', async () => {
    const { ours, histogram } = both();
    histogram.child('/token', '200').observe(Number.NaN);
    histogram.child('/token', '200').observe(Number.POSITIVE_INFINITY);
    expect(await ours.metrics()).toContain('x_seconds_count{route="/token",status="200"} 4');
  });
});
