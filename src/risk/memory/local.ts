/**
 * The memory in this process: embedded mode's memory, and cluster mode's while Redis
 * cannot be reached. Bounded: at most `maxPlaces` last places and `maxKeys` windows per
 * name space; beyond that the least recently touched goes first.
 */
import { createWindows, distinct, type Windows } from '../window.js';
import type { LastPlace, RiskMemory, Space } from './types.js';

export interface LocalMemoryOptions { maxPlaces?: number; maxKeys?: number }

/** Creates an empty memory. */
export function createLocalMemory(opts: LocalMemoryOptions = {}): RiskMemory {
  const places = new Map<string, LastPlace>();
  const spaces = new Map<Space, Windows>();
  const windows = (space: Space): Windows => {
    let w = spaces.get(space);
    if (!w) spaces.set(space, (w = createWindows(opts.maxKeys ?? 50_000)));
    return w;
  };
  return {
    async swapPlace(subject, place) {
      const before = places.get(subject);
      if (before && before.at > place.at) return before;
      places.delete(subject); // re-inserted last: the map's order is the eviction order
      places.set(subject, place);
      if (places.size > (opts.maxPlaces ?? 100_000)) places.delete(places.keys().next().value as string);
      return before;
    },
    async count(space, key, at, windowMs) {
      return windows(space).add(key, '', at, windowMs).length;
    },
    async peekCount(space, key, at, windowMs) {
      return windows(space).peek(key, at, windowMs).length;
    },
    async distinct(space, key, value, at, windowMs) {
      const entries = windows(space).add(key, value, at, windowMs);
      return { before: distinct(entries.slice(0, -1)), after: distinct(entries) };
    },
    async close() {
      places.clear();
      spaces.clear();
    },
  };
}
