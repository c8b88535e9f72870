/**
 * Runs middleware in order, each calling the next: koa-compose's contract (at most one
 * call of next per layer).
 *  - `chain`: Koa middleware; every next() gives a promise, as Koa's own does.
 *  - `steps`: the token endpoints' layers (Step, exchange.ts). A layer that has nothing
 *    to wait for continues synchronously, and next() gives back whatever the rest gave:
 *    nothing when it finished synchronously, else a promise. A seen token is introspected
 *    without a promise past the body read; on Node 20 each promise costs more with
 *    oidc-provider's AsyncLocalStorage active in the process. A layer throwing is
 *    thrown to its caller at once (async layers reject instead: both reach the renderer).
 */
import type { Exchange, Next } from './exchange.js';

type Layer<C> = (ctx: C, next: () => Promise<void>) => unknown;

/** One Koa middleware made of `layers`; the last one's next is the caller's. */
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

/** One Step made of `layers`, synchronous as far as they are; the last one's next is the caller's. */
export function steps<C = Exchange>(layers: ((ctx: C, next: Next) => void | Promise<void>)[]): (ctx: C, next: Next) => void | Promise<void> {
  return (ctx, next) => {
    let last = -1;
    const step = (i: number): void | Promise<void> => {
      if (i <= last) throw new Error('next() called multiple times');
      last = i;
      return i < layers.length ? layers[i](ctx, () => step(i + 1)) : next();
    };
    return step(0);
  };
}

/** `f(value)` now, or once `value` is settled when it is a promise. */
export function then<T, U>(value: T | Promise<T>, f: (v: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** Whether a layer's result is still to come. */
export const pending = (value: unknown): value is Promise<unknown> => value instanceof Promise;
