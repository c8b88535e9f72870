/** A loopback HTTP endpoint recording every POST body (webhook and alert receivers). */
import { createServer, type Server } from 'node:http';

export interface Recorder { url: string; bodies: { contentType: string; body: string }[]; close(): Promise<void> }

/** Starts the recorder answering `status` (202 by default). */
export async function startRecorder(status = 202): Promise<Recorder> {
  const bodies: Recorder['bodies'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }) };
}
