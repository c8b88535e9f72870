/**
 * User notifications by email over SMTP (nodemailer) to RISK_SMTP_URL. Portcullis
 * keeps no email address per user: the username is used when it is an address,
 * other users get the webhook only.
 */
import nodemailer from 'nodemailer';
import type { RiskNotification } from '../types.js';
import type { DeliveryResult } from './webhook.js';

const ADDRESS = /^[^\s@<>"(),;:]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;

const SUBJECTS: Record<RiskNotification['type'], string> = {
  new_device: 'New sign-in device',
  locked_out: 'Your account is temporarily locked',
  session_revoked: 'A session of your account was ended',
  password_changed: 'Your password was changed',
  second_factor_changed: 'Your second factor was changed',
};

const TEXTS: Record<RiskNotification['type'], string> = {
  new_device: 'Your account was used from a device we have not seen before. If this was not you, change your password.',
  locked_out: 'Your account was locked after suspicious activity. It unlocks by itself; if this was not you, nothing changes on the browsers you usually sign in from. To sign in now, reset your password from the sign-in page ("Forgot your password?").',
  session_revoked: 'A session of your account was ended because of suspicious activity. Sign in again; if this was not you, change your password.',
  password_changed: 'The password of your account was changed, and every other session was signed out. If this was not you, reset your password from the sign-in page ("Forgot your password?") at once.',
  second_factor_changed: 'The second factor (authenticator app) of your account was added, removed or replaced. If this was not you, reset your password from the sign-in page at once.',
};

/** True when the username can receive mail. */
export const mailable = (username: string): boolean => ADDRESS.test(username);

/**
 * Why a send failed, without the server's text: SMTP replies quote the recipient
 * (`550 <frank@example.test>: Recipient address rejected`), and the reason is logged
 * by the job runner, where no address may appear.
 */
function failure(err: unknown): string {
  const { code, responseCode } = err as { code?: unknown; responseCode?: unknown };
  return ['smtp', typeof code === 'string' ? code : 'error', typeof responseCode === 'number' ? String(responseCode) : ''].filter(Boolean).join(' ');
}

/** Sends one notification to `to`; connection failures are retried, refusals (5xx) are permanent. */
export async function sendEmail(smtpUrl: string, from: string, n: RiskNotification, to: string, timeoutMs: number): Promise<DeliveryResult> {
  // OUTBOUND_TIMEOUT bounds each step: connecting, the greeting, and any silence after
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
  try {
    await transport.sendMail({
      from, to, subject: SUBJECTS[n.type],
      text: `${TEXTS[n.type]}\n\nTime: ${n.at}\nReference: ${n.id}\n`,
      headers: { 'X-Portcullis-Notification': n.type },
    });
    return { ok: true };
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    return { ok: false, permanent: typeof code === 'number' && code >= 500, error: failure(err) };
  } finally {
    transport.close();
  }
}
