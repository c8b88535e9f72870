/** A real SMTP server process on loopback (the risk tests' smtp-process.mjs), collecting every message. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Mailbox { port: number; mails: { to: string[]; data: string }[]; close(): void }

export async function startMailbox(): Promise<Mailbox> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('../risk/smtp-process.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const mails: Mailbox['mails'] = [];
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve) => lines.on('line', (line) => {
    const msg = JSON.parse(line) as { port?: number; to: string[]; data: string };
    if (msg.port) resolve(msg.port);
    else mails.push({ to: msg.to, data: msg.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=') }); // quoted-printable soft breaks
  }));
  return { port, mails, close: () => void child.kill('SIGTERM') };
}

/** The reset link's secret in a message. */
export function resetToken(data: string): string | undefined {
  return /\/account\/password\/reset\?token=([A-Za-z0-9_-]{43})/.exec(data)?.[1];
}
