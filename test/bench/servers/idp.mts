// The benchmarks' identity provider, in a process of its own: the mock IdP
// with its control plane on 127.0.0.1.
//
//   idp.mts DIR                     plain HTTP; issuers in loopback addressing
//                                   (http://127.0.0.1:PORT/dev-123456.okta.com/oauth2/…)
//   idp.mts DIR --sealed ADDRESS    inside a sealed network namespace: also TLS
//                                   with a certificate for the vendor host names
//                                   from a test CA written to DIR, and ADDRESS:443
//                                   relayed to it, so https://dev-123456.okta.com/…
//                                   resolves (the namespace's /etc/hosts) and
//                                   connects as it would in real life
//
// Prints one JSON line — { idpUrl, caFile? } — once it listens; stops on SIGTERM
// or when its parent goes away (stdin closes).
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createTestCa } from '../../../scripts/lib/test-ca.mts';
import { startMockIdp } from '../../../scripts/mock-idp/index.mts';
import { defaultConfig } from '../../../scripts/mock-idp/default-config.mts';

const [dir, flag, address] = process.argv.slice(2);
if (!dir || (flag !== undefined && (flag !== '--sealed' || !address))) {
  process.stderr.write('usage: idp.mts DIR [--sealed ADDRESS]\n');
  process.exit(2);
}

let relay: net.Server | undefined;
let caFile: string | undefined;
let tls: { cert: string; key: string } | undefined;
if (address) {
  const ca = await createTestCa({ commonName: 'bench TEST-ONLY CA' });
  caFile = path.join(dir, 'bench-ca.pem');
  await writeFile(caFile, ca.certPem);
  const hosts = [...new Set(defaultConfig().tenants.map((t) => t.domain))];
  const leaf = await ca.issue(hosts);
  tls = { cert: leaf.certPem, key: leaf.keyPem };
}
const idp = await startMockIdp({ control: true, ...(tls ? { tls } : {}) });
if (address && idp.tlsUrl) {
  const tlsPort = Number(new URL(idp.tlsUrl).port);
  relay = net.createServer((client) => {
    const upstream = net.connect(tlsPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => relay?.listen(443, address, () => r()));
}
process.stdout.write(`${JSON.stringify({ idpUrl: idp.url, ...(caFile ? { caFile } : {}) })}\n`);

const stop = async () => {
  relay?.close();
  await idp.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
