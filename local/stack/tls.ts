import { generate } from 'selfsigned';

export interface ServerCertificate {
  key: string;
  cert: string;
}

export interface LocalCertificateAuthority {
  /** PEM of the CA certificate: what clients trust (`tlsOptions: { ca }`, NODE_EXTRA_CA_CERTS). */
  caCert: string;
  /** A server certificate for the loopback names, signed by this CA. */
  issueServerCertificate(hostnames?: string[]): Promise<ServerCertificate>;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * The local cloud's certificate authority, made anew at every start so that no key is ever committed.
 * Peers that only speak HTTPS (Service Bus admin, Key Vault) serve certificates it issues; clients trust
 * its certificate by configuration, never by turning certificate checks off.
 */
export async function createLocalCertificateAuthority(): Promise<LocalCertificateAuthority> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'Hosted RPA local cloud CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return {
    caCert: ca.cert,
    async issueServerCertificate(hostnames = LOOPBACK_NAMES) {
      const server = await generate([{ name: 'commonName', value: hostnames[0] ?? 'localhost' }], {
        keySize: 2048,
        algorithm: 'sha256',
        notBeforeDate,
        notAfterDate,
        ca: { key: ca.private, cert: ca.cert },
        extensions: [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', serverAuth: true },
          {
            name: 'subjectAltName',
            altNames: hostnames.map((h) => (/^[\d.:]+$/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })),
          },
        ],
      });
      return { key: server.private, cert: server.cert };
    },
  };
}
