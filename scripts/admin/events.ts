/**
 * Event receiver commands (OpenID SSF stream configuration) and the admin CLI's
 * emitter. `receiver add` registers a resource server as a receiver of security
 * events. Events emitted by the CLI are pushed as soon as they are stored: in cluster
 * mode their jobs go on BullMQ for the workers; in embedded mode a NOTIFY wakes the
 * running issuer, which sweeps the stored events into its job runner at once (its
 * `events.sweep` timer, JOB_REVALIDATE_INTERVAL, is only the fallback).
 */
import {
  addReceiver, createEventEmitter, EVENTS_PENDING_CHANNEL, listReceivers, receiverProblem, removeReceiver, type EventEmitter, type ReceiverInput,
} from '../../src/events/index.js';
import { createBullQueue } from '../../src/jobs/index.js';
import { outboundPolicy } from '../../src/outbound/index.js';
import { subjectHandle } from '../../src/keys/index.js';
import { notify } from '../../src/storage/index.js';
import { list, options, required, UsageError } from './args.js';
import { out, type Command } from './command.js';
import type { AdminContext } from './context.js';

/** An emitter for admin commands; call close() when done. */
export async function adminEmitter(ctx: AdminContext): Promise<EventEmitter & { close(): Promise<void> }> {
  const pepper = await ctx.secret('subject-handle');
  const queue = ctx.config.redisUrl ? createBullQueue({ redisUrl: ctx.config.redisUrl, prefix: ctx.config.jobQueuePrefix, redisTimeouts: ctx.config.redisTimeouts }) : undefined;
  const emitter = createEventEmitter({
    db: ctx.db, issuer: ctx.config.issuer, handleOf: (sub) => subjectHandle(pepper, sub), pushGiveUpSec: ctx.config.eventPushGiveUp,
    async enqueuePush(jtis) {
      if (queue) await queue.add('event.push', jtis.map((jti) => ({ payload: { jti }, jobId: jti })));
      else await notify(ctx.db, EVENTS_PENDING_CHANNEL);
    },
  });
  return { ...emitter, close: async () => { await queue?.close(); } };
}

export const eventCommands: Record<string, Command> = {
  'receiver add': {
    async run(ctx, args) {
      const { values } = options(args, {
        client: { type: 'string' }, audience: { type: 'string' }, delivery: { type: 'string' }, endpoint: { type: 'string' },
        events: { type: 'string', multiple: true }, 'subject-format': { type: 'string' },
      });
      const input: ReceiverInput = {
        clientId: required(values, 'client'), audience: required(values, 'audience'),
        delivery: (values.delivery ?? 'push') as ReceiverInput['delivery'], endpointUrl: values.endpoint as string | undefined,
        events: list(values.events), subjectFormat: values['subject-format'] as ReceiverInput['subjectFormat'],
      };
      const problem = receiverProblem(input);
      if (problem) throw new UsageError(problem);
      const r = await addReceiver(ctx.db, input, outboundPolicy(ctx.config.outbound.allowedHosts, ctx.config.outbound.timeoutMs));
      out(`receiver ${r.id} registered (${r.delivery}${r.endpointUrl ? ` to ${r.endpointUrl}` : ''}; audience ${r.audience}; client ${r.clientId}; subjects ${r.subjectFormat})`);
    },
  },
  'receiver list': {
    async run(ctx, args) {
      const { values } = options(args, { json: { type: 'boolean' } });
      const rows = await listReceivers(ctx.db);
      if (values.json) { out(JSON.stringify(rows)); return; }
      for (const r of rows) out(`${r.id}\t${r.delivery}\t${r.endpointUrl ?? '-'}\taudience=${r.audience}\tclient=${r.clientId}\tsubjects=${r.subjectFormat}\tevents=${r.events.length}`);
      if (!rows.length) out('no receivers');
    },
  },
  'receiver remove': {
    async run(ctx, args) {
      const { positionals } = options(args, {}, 1);
      const id = positionals[0];
      if (!id) throw new UsageError('give the receiver id');
      if (!await removeReceiver(ctx.db, id)) throw new UsageError(`no receiver ${id}`);
      out(`receiver ${id} removed with its undelivered events`);
    },
  },
};
