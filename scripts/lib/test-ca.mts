// A throw-away certificate authority for local tests: a CA certificate that
// test processes trust (NODE_EXTRA_CA_CERTS, CURL_CA_BUNDLE) and leaf
// certificates for vendor host names (dev-123456.okta.com, sts.googleapis.com)
// served by local mocks. Keys are ECDSA P-256 (generated in milliseconds), live
// only in memory unless the caller writes them out, and are never logged.
//
//   const ca = await createTestCa();
//   const leaf = await ca.issue(['dev-123456.okta.com', '127.0.0.1']);
//   https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, app);
import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 2.x resolves its ASN.1 schemas with tsyringe, which needs the
// Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface TestCa extends PemPair {
  /** Issues a leaf certificate for these DNS names and/or IP addresses. */
  issue(hostnames: string[], options?: { days?: number }): Promise<PemPair>;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function serial(): string {
  // Positive, 16 random bytes in hex.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export async function createTestCa(
  options: { commonName?: string; days?: number } = {},
): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const notBefore = new Date(now - 60_000);
  const name = `CN=${options.commonName ?? 'Mock IdP TEST-ONLY CA'}, O=toolhive-docs tests`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore,
    notAfter: new Date(now + (options.days ?? 7) * 86_400_000),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });

  return {
    certPem: caCert.toString('pem'),
    keyPem: await keyToPem(keys.privateKey),
    async issue(hostnames, issueOptions = {}) {
      if (hostnames.length === 0)
        throw new Error('createTestCa().issue: give at least one host name or IP address');
      const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, [
        'sign',
        'verify',
      ])) as unknown as CryptoKeyPair;
      const issued = Date.now();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${hostnames[0]}`,
        issuer: caCert.subject,
        notBefore: new Date(issued - 60_000),
        notAfter: new Date(issued + (issueOptions.days ?? 7) * 86_400_000),
        signingAlgorithm: ALG,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(
            hostnames.map((h) =>
              isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h },
            ),
          ),
          await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
          await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
        ],
      });
      return { certPem: cert.toString('pem'), keyPem: await keyToPem(leafKeys.privateKey) };
    },
  };
}
