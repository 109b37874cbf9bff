// CLI: npm run idp -- --port N [--config F] [--tls-cert F --tls-key F --tls-port N] [--control]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from './config.mts';
import { startMockIdp } from './index.mts';

const HELP = `Mock identity provider (Okta, Keycloak, Auth0, Google STS) for local tests.

Usage: npm run idp -- [options]

  --port N          plain HTTP port on 127.0.0.1 (default 0: a free port)
  --config FILE     YAML or JSON configuration (default: the guides' tenants,
                    see scripts/mock-idp/README.md)
  --tls-cert FILE   PEM certificate for an HTTPS listener (with --tls-key)
  --tls-key FILE    PEM private key for the HTTPS listener
  --tls-port N      HTTPS port (default 0: a free port)
  --control         serve the test control plane under /__mock/
  --json            print the authorization servers as one JSON line
  -h, --help        this help

Each tenant is reachable two ways:
  host-routed   Host: dev-123456.okta.com   → issuer https://dev-123456.okta.com/oauth2/…
  path-prefixed http://127.0.0.1:PORT/dev-123456.okta.com/oauth2/…
Stops on SIGINT/SIGTERM.`;

function fail(message: string): never {
  process.stderr.write(`mock-idp: ${message}\nRun "npm run idp -- --help" for usage.\n`);
  process.exit(2);
}

function portOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`${flag} must be a port number 0-65535, got "${value}"`);
  return port;
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    fail(`${flag} ${file}: ${(error as Error).message}`);
  }
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        config: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-port': { type: 'string' },
        control: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return;
  }
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key']))
    fail('--tls-cert and --tls-key go together');
  if (values['tls-port'] && !values['tls-cert']) fail('--tls-port needs --tls-cert and --tls-key');

  const started = performance.now();
  let idp;
  try {
    idp = await startMockIdp({
      port: portOption(values.port, '--port'),
      config: values.config,
      control: values.control ?? false,
      tls: values['tls-cert']
        ? {
            cert: readPem(values['tls-cert'], '--tls-cert'),
            key: readPem(values['tls-key'] as string, '--tls-key'),
            port: portOption(values['tls-port'], '--tls-port'),
          }
        : undefined,
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      fail(`port already in use (${e.message}); pick another with --port`);
    throw error;
  }
  const ms = (performance.now() - started).toFixed(0);

  if (values.json) {
    process.stdout.write(
      JSON.stringify({
        url: idp.url,
        tlsUrl: idp.tlsUrl,
        control: Boolean(values.control),
        authorizationServers: idp.authorizationServers,
      }) + '\n',
    );
  } else {
    const lines = [
      `mock IdP listening on ${idp.url}${idp.tlsUrl ? ` and ${idp.tlsUrl}` : ''} (started in ${ms} ms)`,
    ];
    for (const s of idp.authorizationServers) {
      lines.push(`  ${s.vendor} ${s.domain} ${s.id}${s.name ? ` (${s.name})` : ''}`);
      lines.push(`    issuer        ${s.issuer}`);
      if (s.tlsIssuer) lines.push(`    tls issuer    ${s.tlsIssuer}`);
      lines.push(`    vendor issuer ${s.vendorIssuer}  (Host: ${s.domain})`);
      lines.push(`    token         ${s.endpoints.token}`);
    }
    if (values.control)
      lines.push(`control plane: ${idp.url}/__mock/ (requests, tokens, keys/rotate, faults)`);
    process.stdout.write(lines.join('\n') + '\n');
  }

  const stop = () => {
    void idp.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
