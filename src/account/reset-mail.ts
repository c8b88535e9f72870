/**
 * The password reset e-mail, sent over RISK_SMTP_URL to the username when it is an
 * address. Sent straight away rather than through the job queue: the link is a secret,
 * and a queued job would store it (in Redis, or in the embedded queue) where only its
 * hash may be.
 */
import nodemailer from 'nodemailer';

export interface ResetMail { smtpUrl: string; from: string; to: string; link: string; minutes: number }

/** Sends the link; throws a short error (no recipient, no link) when the server refuses. */
export async function sendResetMail(m: ResetMail): Promise<void> {
  const transport = nodemailer.createTransport(m.smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000 } as never);
  try {
    await transport.sendMail({
      from: m.from, to: m.to, subject: 'Reset your password',
      text: `Someone, probably you, asked to reset the password of your account.\n\nTo choose a new password, open this link within ${m.minutes} minutes. It works once:\n${m.link}\n\nIf this was not you, ignore this message: your password stays as it is.\n`,
      headers: { 'X-Portcullis-Notification': 'password_reset' },
    });
  } catch (err) {
    const { code, responseCode } = err as { code?: unknown; responseCode?: unknown };
    throw new Error(['smtp', typeof code === 'string' ? code : 'error', typeof responseCode === 'number' ? String(responseCode) : ''].filter(Boolean).join(' '));
  } finally {
    transport.close();
  }
}
