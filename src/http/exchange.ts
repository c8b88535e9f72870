/**
 * The part of a Koa context the token-endpoint middleware uses. Koa's own context has
 * it, and so does the lane's lighter one (lane.ts): the same middleware serves both.
 */
import type { Context } from 'koa';

export type Exchange = Pick<Context, 'method' | 'path' | 'req' | 'res' | 'state' | 'get' | 'set' | 'is' | 'status' | 'body' | 'respond'>;

/** What next() gives back in a Step: nothing when the rest finished synchronously, else a promise. */
export type Next = () => void | Promise<void>;

/** A middleware over an Exchange, with koa-compose's contract (at most one call of next); synchronous where it can be (chain.ts `steps`). */
export type Step = (ctx: Exchange, next: Next) => void | Promise<void>;
