/**
 * The part of a Koa context the token-endpoint middleware uses. Koa's own context has
 * it, and so does the lane's lighter one (lane.ts): the same middleware serves both.
 */
import type { Context } from 'koa';

export type Exchange = Pick<Context, 'method' | 'path' | 'req' | 'res' | 'state' | 'get' | 'set' | 'is' | 'status' | 'body' | 'respond'>;

/** A middleware over an Exchange, with koa-compose's contract (at most one call of next). */
export type Step = (ctx: Exchange, next: () => Promise<void>) => unknown;
