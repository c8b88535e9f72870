/**
 * The part of a Koa context the middleware uses, stated structurally so the package
 * needs neither `koa` nor its types: a Koa 2 or 3 context satisfies it, and so the
 * functions below are accepted by `app.use()` and `router.get()` as they are.
 */
import type { IncomingMessage } from 'node:http';

/** What the SDK's Koa middleware reads and writes on `ctx`. */
export interface KoaContext {
  req: IncomingMessage;
  method: string;
  path: string;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
  set(field: Record<string, string>): void;
  set(field: string, value: string): void;
}

/** `next` of a Koa middleware. */
export type KoaNext = () => Promise<unknown>;

/** A Koa middleware as the SDK builds them. */
export type KoaMiddleware = (ctx: KoaContext, next: KoaNext) => Promise<void>;
