/**
 * Runs middleware in order, each calling the next: koa-compose's contract (at most one
 * call of next per layer). Used for Koa's routes and for the lane's (lane.ts).
 */
import type { Exchange } from './exchange.js';

type Layer<C> = (ctx: C, next: () => Promise<void>) => unknown;

/** One middleware made of `layers`; the last one's next is the caller's. */
export function chain<C = Exchange>(layers: Layer<C>[]): (ctx: C, next: () => Promise<void>) => Promise<void> {
  return (ctx, next) => {
    let last = -1;
    const step = (i: number): Promise<void> => {
      if (i <= last) return Promise.reject(new Error('next() called multiple times'));
      last = i;
      try {
        return Promise.resolve(i < layers.length ? layers[i](ctx, () => step(i + 1)) : next()) as Promise<void>;
      } catch (err) {
        return Promise.reject(err);
      }
    };
    return step(0);
  };
}
