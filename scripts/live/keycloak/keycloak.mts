// A real Keycloak for the live checks: finds its server distribution in the
// local Maven repository (org.keycloak:keycloak-quarkus-dist), a Java new
// enough for it, starts it in dev mode on 127.0.0.1 (H2 in a temporary folder),
// and sets up the Keycloak tab of the token-exchange guide through the admin
// REST API (https://www.keycloak.org/docs-api/latest/rest-api/index.html):
// realm `mcp`, the confidential client `toolhive-exchange` with standard token
// exchange (`standard.token.exchange.enabled`, Keycloak 26.2+,
// https://www.keycloak.org/securing-apps/token-exchange), client `backend-api`,
// client scope `backend-api-audience` (audience mapper, default scope),
// optional client scopes `api:read` and `api:write`, and an MCP login client
// whose tokens name `toolhive-exchange` in `aud`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

export const KEYCLOAK_ARTIFACT = 'org.keycloak:keycloak-quarkus-dist';
/** Keycloak 26 needs Java 21 or later (https://www.keycloak.org/server/installation). */
export const KEYCLOAK_MIN_JAVA = 21;
/** Standard token exchange is on by default from 26.2. */
const MIN_VERSION = [26, 2];

export type KeycloakAvailability =
  | { ok: true; version: string; archive: string; javaHome: string; javaVersion: number }
  | { ok: false; reason: string };

function versionParts(v: string): number[] {
  return v.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function mavenRepository(): string {
  return process.env.MAVEN_REPOSITORY ?? path.join(homedir(), '.m2', 'repository');
}

/** The major version `java -version` reports, or undefined. */
export function javaMajor(javaHome: string): number | undefined {
  const java = path.join(javaHome, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  const out = spawnSync(java, ['-version'], { encoding: 'utf8' });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

/** JDKs to consider: $KEYCLOAK_JAVA_HOME, $JAVA_HOME, then /usr/lib/jvm/*, newest first. */
function javaCandidates(): string[] {
  const homes = [process.env.KEYCLOAK_JAVA_HOME, process.env.JAVA_HOME].filter((h): h is string =>
    Boolean(h),
  );
  const jvm = '/usr/lib/jvm';
  if (existsSync(jvm)) for (const entry of readdirSync(jvm)) homes.push(path.join(jvm, entry));
  return [...new Set(homes)];
}

/** Sync and cheap: is a Keycloak distribution in the local Maven repository, and a Java for it? */
export function keycloakAvailability(): KeycloakAvailability {
  const dir = path.join(mavenRepository(), ...KEYCLOAK_ARTIFACT.replace(':', '/').split(/[./]/));
  const install = 'npm run live:keycloak -- --fetch';
  if (!existsSync(dir))
    return {
      ok: false,
      reason: `Keycloak's server distribution (${KEYCLOAK_ARTIFACT}) is not in the local Maven repository ${mavenRepository()}; fetch it with \`${install}\``,
    };
  const versions = readdirSync(dir)
    .filter((v) => existsSync(path.join(dir, v, `keycloak-quarkus-dist-${v}.tar.gz`)))
    .filter((v) => compareVersions(v, MIN_VERSION.join('.')) >= 0)
    .sort(compareVersions);
  const version = versions.at(-1);
  if (!version)
    return {
      ok: false,
      reason: `no keycloak-quarkus-dist ${MIN_VERSION.join('.')}+ .tar.gz under ${dir}; fetch one with \`${install}\``,
    };
  let best: { home: string; major: number } | undefined;
  for (const home of javaCandidates()) {
    const major = javaMajor(home);
    if (major !== undefined && (!best || major > best.major)) best = { home, major };
  }
  if (!best || best.major < KEYCLOAK_MIN_JAVA)
    return {
      ok: false,
      reason: `Keycloak ${version} needs Java ${KEYCLOAK_MIN_JAVA}+, and the newest JDK found is ${best ? `${best.major} (${best.home})` : 'none'}; install one (e.g. \`apt-get install openjdk-21-jdk-headless\`) or set KEYCLOAK_JAVA_HOME`,
    };
  return {
    ok: true,
    version,
    archive: path.join(dir, version, `keycloak-quarkus-dist-${version}.tar.gz`),
    javaHome: best.home,
    javaVersion: best.major,
  };
}

/** Fetches the distribution into the local Maven repository with Maven's own client. */
export function fetchKeycloak(version: string): void {
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:get',
      `-Dartifact=${KEYCLOAK_ARTIFACT}:${version}:tar.gz`,
      '-Dtransitive=false',
      // Maven's default is Java's user.home, which does not follow $HOME;
      // name the repository the server is later read from, so both agree.
      `-Dmaven.repo.local=${mavenRepository()}`,
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0)
    throw new Error(
      `mvn dependency:get ${KEYCLOAK_ARTIFACT}:${version}:tar.gz failed (exit ${String(result.status)})`,
    );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningKeycloak {
  url: string;
  version: string;
  javaVersion: number;
  admin: KeycloakAdmin;
  /** Output so far (for failures). */
  log(): string;
  close(): Promise<void>;
}

/**
 * Extracts the distribution under `dir` (once per version: `dir` may be a cache)
 * and starts `kc.sh start-dev` on 127.0.0.1 with H2 files in `dataDir`. The
 * bootstrap admin's credentials are generated per run.
 */
export async function startKeycloak(opts: {
  cacheDir: string;
  dataDir: string;
  availability?: Extract<KeycloakAvailability, { ok: true }>;
  timeoutMs?: number;
}): Promise<RunningKeycloak> {
  const avail = opts.availability ?? keycloakAvailability();
  if (!avail.ok) throw new Error(avail.reason);
  mkdirSync(opts.cacheDir, { recursive: true });
  const home = path.join(opts.cacheDir, `keycloak-${avail.version}`);
  if (!existsSync(path.join(home, 'bin', 'kc.sh'))) {
    const tar = spawnSync('tar', ['xzf', avail.archive, '-C', opts.cacheDir], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error(`tar xzf ${avail.archive} failed`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const port = await freePort();
  const password = `test-only-${Math.random().toString(36).slice(2)}`;
  const child: ChildProcess = spawn(
    path.join(home, 'bin', 'kc.sh'),
    [
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      '--http-management-port=0',
      '--db=dev-file',
      // Keycloak's own dev-file URL keeps VALUE usable as a column name.
      `--db-url=jdbc:h2:file:${path.join(opts.dataDir, 'keycloakdb')};NON_KEYWORDS=VALUE`,
      // KC_HOSTNAME pins iss (the guide says so); here the loopback URL.
      `--hostname=http://127.0.0.1:${port}`,
    ],
    {
      env: {
        ...process.env,
        JAVA_HOME: avail.javaHome,
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
        KC_BOOTSTRAP_ADMIN_PASSWORD: password,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.pid) child.kill('SIGTERM');
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 840_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `Keycloak exited with ${child.exitCode} before it was ready:\n${output.slice(-4000)}`,
      );
    if (Date.now() > deadline) {
      await close();
      throw new Error(
        `Keycloak was not ready within ${opts.timeoutMs ?? 840_000} ms:\n${output.slice(-4000)}`,
      );
    }
    const ready = await fetch(`${url}/realms/master/.well-known/openid-configuration`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const admin = await KeycloakAdmin.login(url, 'admin', password);
  return {
    url,
    version: avail.version,
    javaVersion: avail.javaVersion,
    admin,
    log: () => output,
    close,
  };
}

/** A small client of Keycloak's admin REST API. */
export class KeycloakAdmin {
  private constructor(
    readonly url: string,
    private token: string,
  ) {}

  static async login(url: string, username: string, password: string): Promise<KeycloakAdmin> {
    const response = await fetch(`${url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username,
        password,
      }),
    });
    if (!response.ok)
      throw new Error(`Keycloak admin login failed: ${response.status} ${await response.text()}`);
    return new KeycloakAdmin(
      url,
      ((await response.json()) as { access_token: string }).access_token,
    );
  }

  async call<T = unknown>(method: string, pathname: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/admin${pathname}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`Keycloak admin ${method} ${pathname}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates a resource and returns its id (from the Location header). */
  async create(pathname: string, body: unknown): Promise<string> {
    const response = await fetch(`${this.url}/admin${pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(
        `Keycloak admin POST ${pathname}: ${response.status} ${await response.text()}`,
      );
    return (response.headers.get('location') ?? '').split('/').at(-1) ?? '';
  }
}

export interface GuideRealm {
  realm: string;
  issuer: string;
  tokenEndpoint: string;
  exchangeClient: { id: string; secret: string };
  /** Public MCP login client; its tokens carry toolhive-exchange in aud. */
  loginClient: string;
  /** A login client without the audience mapper (for "not within the token audience"). */
  plainLoginClient: string;
  /** A public client with standard token exchange switched on (Keycloak refuses it). */
  publicExchangeClient: string;
  user: { username: string; password: string };
}

const audienceMapper = (clientId: string) => ({
  name: `audience ${clientId}`,
  protocol: 'openid-connect',
  protocolMapper: 'oidc-audience-mapper',
  config: {
    'included.client.audience': clientId,
    'access.token.claim': 'true',
    'id.token.claim': 'false',
    'introspection.token.claim': 'true',
  },
});

/** The Keycloak tab of the guide, done through the admin REST API. */
export async function setUpGuideRealm(kc: RunningKeycloak, realm = 'mcp'): Promise<GuideRealm> {
  const a = kc.admin;
  await a.create('/realms', { realm, enabled: true });
  const r = `/realms/${realm}`;
  const secret = `test-only-${Math.random().toString(36).slice(2)}`;
  // Register the exchange client: confidential, standard token exchange on.
  const exchangeId = await a.create(`${r}/clients`, {
    clientId: 'toolhive-exchange',
    protocol: 'openid-connect',
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    secret,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: true,
    attributes: { 'standard.token.exchange.enabled': 'true' },
  });
  // The backend: its client ID is the audience value.
  await a.create(`${r}/clients`, {
    clientId: 'backend-api',
    protocol: 'openid-connect',
    publicClient: false,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
  });
  // backend-api-audience (default scope of toolhive-exchange).
  const audienceScope = await a.create(`${r}/client-scopes`, {
    name: 'backend-api-audience',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [audienceMapper('backend-api')],
  });
  await a.call('PUT', `${r}/clients/${exchangeId}/default-client-scopes/${audienceScope}`);
  // api:read and api:write (optional scopes of toolhive-exchange).
  for (const name of ['api:read', 'api:write']) {
    const scope = await a.create(`${r}/client-scopes`, {
      name,
      protocol: 'openid-connect',
      attributes: { 'include.in.token.scope': 'true' },
    });
    await a.call('PUT', `${r}/clients/${exchangeId}/optional-client-scopes/${scope}`);
  }
  // The MCP clients' tokens name toolhive-exchange as well (audience mapper on their scope).
  const mcpAudience = await a.create(`${r}/client-scopes`, {
    name: 'mcp-audience',
    protocol: 'openid-connect',
    attributes: { 'include.in.token.scope': 'false' },
    protocolMappers: [audienceMapper('toolhive-exchange')],
  });
  const loginClient = 'mcp-client';
  const loginId = await a.create(`${r}/clients`, {
    clientId: loginClient,
    protocol: 'openid-connect',
    publicClient: true,
    standardFlowEnabled: true,
    // The live test logs in with the password grant instead of a browser.
    directAccessGrantsEnabled: true,
    redirectUris: ['http://127.0.0.1/*'],
  });
  await a.call('PUT', `${r}/clients/${loginId}/default-client-scopes/${mcpAudience}`);
  const plainLoginClient = 'mcp-client-no-audience';
  await a.create(`${r}/clients`, {
    clientId: plainLoginClient,
    protocol: 'openid-connect',
    publicClient: true,
    directAccessGrantsEnabled: true,
  });
  const publicExchangeClient = 'public-exchange';
  await a.create(`${r}/clients`, {
    clientId: publicExchangeClient,
    protocol: 'openid-connect',
    publicClient: true,
    directAccessGrantsEnabled: true,
    attributes: { 'standard.token.exchange.enabled': 'true' },
  });
  const user = { username: 'alice', password: `test-only-${Math.random().toString(36).slice(2)}` };
  await a.create(`${r}/users`, {
    username: user.username,
    email: 'alice@example.com',
    emailVerified: true,
    firstName: 'Alice',
    lastName: 'Example',
    enabled: true,
    requiredActions: [],
    credentials: [{ type: 'password', value: user.password, temporary: false }],
  });
  const issuer = `${kc.url}/realms/${realm}`;
  return {
    realm,
    issuer,
    tokenEndpoint: `${issuer}/protocol/openid-connect/token`,
    exchangeClient: { id: 'toolhive-exchange', secret },
    loginClient,
    plainLoginClient,
    publicExchangeClient,
    user,
  };
}
