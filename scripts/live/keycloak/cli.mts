// npm run live:keycloak -- [--fetch [VERSION]] [--fetch-only] [--dir DIR]
//
// Starts a real Keycloak on 127.0.0.1 (dev mode, H2 under DIR) and sets up the
// Keycloak tab of the token-exchange guide through its admin REST API; prints
// the issuer, token endpoint and clients, writes the generated test-only
// secrets to DIR/secrets.json (mode 0600), and stops on SIGINT/SIGTERM.
// --fetch first puts org.keycloak:keycloak-quarkus-dist (default 26.5.6) into
// the local Maven repository with `mvn dependency:get`; --fetch-only does just
// that and exits (what .ci/run does, so that the Keycloak tests run on CI).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  fetchKeycloak,
  keycloakAvailability,
  setUpGuideRealm,
  startKeycloak,
} from './keycloak.mts';

const DEFAULT_VERSION = '26.5.6';

function fail(message: string): never {
  process.stderr.write(`live:keycloak: error: ${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let dir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fetch-only') {
      fetchKeycloak(DEFAULT_VERSION);
      return;
    }
    if (arg === '--fetch') {
      const next = argv[i + 1];
      const version = next && !next.startsWith('--') ? (i++, next) : DEFAULT_VERSION;
      fetchKeycloak(version);
    } else if (arg === '--dir') {
      dir = argv[++i] ?? fail('--dir needs a folder');
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'Usage: npm run live:keycloak -- [--fetch [VERSION]] [--fetch-only] [--dir DIR]\n' +
          'Starts Keycloak on 127.0.0.1 with the guide realm "mcp"; Ctrl-C stops it.\n',
      );
      return;
    } else fail(`unknown argument ${String(arg)} (see --help)`);
  }
  const availability = keycloakAvailability();
  if (!availability.ok) fail(availability.reason);
  const work = dir ?? mkdtempSync(path.join(tmpdir(), 'live-keycloak-'));
  process.stderr.write(
    `starting Keycloak ${availability.version} on Java ${availability.javaVersion} (data in ${work}) …\n`,
  );
  const keycloak = await startKeycloak({
    cacheDir: path.join(tmpdir(), 'toolhive-docs-keycloak-dist'),
    dataDir: path.join(work, 'data'),
    availability,
  });
  const realm = await setUpGuideRealm(keycloak);
  const secrets = path.join(work, 'secrets.json');
  writeFileSync(
    secrets,
    JSON.stringify(
      { exchangeClientSecret: realm.exchangeClient.secret, user: realm.user },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  process.stdout.write(
    JSON.stringify({
      url: keycloak.url,
      version: keycloak.version,
      issuer: realm.issuer,
      tokenEndpoint: realm.tokenEndpoint,
      exchangeClient: realm.exchangeClient.id,
      loginClient: realm.loginClient,
      secrets,
    }) + '\n',
  );
  const stop = () => void keycloak.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => fail((error as Error).message));
