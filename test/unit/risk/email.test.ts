/**
 * A refused notification e-mail: the SMTP reply quotes the recipient, and the failure
 * the job runner logs must not (docs/privacy.md, "Logs"). A real SMTP server on loopback
 * (smtp-server) refuses the recipient.
 */
import { SMTPServer } from 'smtp-server';
import { sendEmail } from '../../../src/risk/deliver/email.js';

const TO = 'frank.castle@example.test';
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onRcptTo(address, _session, callback) {
      const err = Object.assign(new Error(`<${address.address}>: Recipient address rejected`), { responseCode: 550 });
      callback(err);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as { port: number }).port;
});
afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });

it('is a permanent failure described by codes only', async () => {
  const result = await sendEmail(`smtp://127.0.0.1:${port}`, 'security@portcullis.test', { id: 'n1', type: 'locked_out', userId: 'u1', at: new Date().toISOString(), details: {} }, TO, 5000);
  expect(result).toEqual({ ok: false, permanent: true, error: 'smtp EENVELOPE 550' });
});
