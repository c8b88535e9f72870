/**
 * Closed-loop load for fault tests: `concurrency` loops each send one request after
 * another until stopped, recording when each started, how long it took and its status
 * (0: no answer). Phases are read back by start time.
 */
export interface Sample { at: number; ms: number; status: number }

export interface Load { stop(): Promise<Sample[]>; samples: Sample[] }

/** Starts the loops; `request` resolves with an HTTP status. */
export function startLoad(concurrency: number, request: (i: number) => Promise<number>): Load {
  const samples: Sample[] = [];
  let running = true;
  const loop = async (i: number) => {
    for (let n = 0; running; n++) {
      const at = Date.now();
      const status = await request(i * 1_000_000 + n).catch(() => 0);
      samples.push({ at, ms: Date.now() - at, status });
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  return { samples, async stop() { running = false; await Promise.all(loops); return samples; } };
}

/** Requests, statuses and slowest answer among samples started in [from, to). */
export function summary(samples: Sample[], from: number, to: number) {
  const inWindow = samples.filter((s) => s.at >= from && s.at < to);
  const byStatus: Record<string, number> = {};
  for (const s of inWindow) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  const sorted = inWindow.map((s) => s.ms).sort((a, b) => a - b);
  return { requests: inWindow.length, byStatus, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
}

/** A free port in the range reserved for fault tests' own services. */
export async function faultPort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 17000 + Math.floor(Math.random() * 1000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 17000-17999');
}
