/**
 * Sender-constrained tokens: the DPoP nonce secret shared by every issuer process, the
 * client-certificate source (TLS socket or trusted proxy header), the replay store of
 * proofs presented at /introspect, and the HTTP or HTTPS listener (TLS_CERT_FILE /
 * TLS_KEY_FILE / TLS_CLIENT_CA_FILE).
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { createCertificateSource } from '../binding/index.js';
import { deploymentSecret } from '../keys/index.js';
import { createReplayStore, type Database } from '../storage/index.js';
import type { BindingDeps } from '../oidc/index.js';

/** Splits a PEM bundle into certificates. */
export function readCertificates(file: string): X509Certificate[] {
  const pem = readFileSync(file, 'utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new TypeError(`${file} holds no PEM certificate`);
  return blocks.map((block) => new X509Certificate(block));
}

/** Everything the provider needs for DPoP and mTLS. */
export async function createBindingDeps(config: Config, db: Database, kek: Uint8Array, log: Logger): Promise<BindingDeps> {
  return {
    nonceSecret: await deploymentSecret(db, kek, 'dpop-nonce'),
    dpopNonce: config.dpopNonce,
    proofMaxAge: Math.max(60, config.clockTolerance),
    certificates: createCertificateSource({
      header: config.mtlsCertHeader,
      trustedProxies: config.trustedProxies,
      clientCas: config.tlsClientCaFile ? readCertificates(config.tlsClientCaFile) : [],
      warn: (fields, msg) => log.warn(fields, msg),
    }),
    presentedProofs: createReplayStore(db.prisma),
    warn: (fields, msg) => log.warn(fields, msg),
  };
}

/**
 * HTTPS when TLS_CERT_FILE is set, else HTTP. With TLS_CLIENT_CA_FILE, client
 * certificates are requested but optional (rejectUnauthorized false): tokens and
 * client authentication decide what an absent or self-signed certificate means.
 */
export function createListener(config: Config, handler: RequestListener): Server {
  if (!config.tlsCertFile || !config.tlsKeyFile) return createHttpServer(handler);
  return createHttpsServer({
    cert: readFileSync(config.tlsCertFile),
    key: readFileSync(config.tlsKeyFile),
    ...(config.tlsClientCaFile ? { ca: readFileSync(config.tlsClientCaFile), requestCert: true, rejectUnauthorized: false } : {}),
  }, handler) as unknown as Server;
}
