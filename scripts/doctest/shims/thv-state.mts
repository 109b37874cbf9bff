// What ToolHive keeps on disk for the `thv` shim, at ToolHive's paths under
// the page's HOME, in ToolHive's formats:
// - a run config per workload: $XDG_STATE_HOME/toolhive/runconfigs/<name>.json
//   (pkg/state/local.go:43, pkg/state/factory.go:12, pkg/runner/config.go:349 WriteJSON@v0.44.0),
//   the resolved token-exchange client secret included (cmd/thv/app/auth_flags.go:104,
//   pkg/runner/config_builder.go:848 addCoreMiddlewares@v0.44.0);
// - the proxy's log: $XDG_DATA_HOME/toolhive/logs/<name>.log (cmd/thv/app/logs.go:249@v0.44.0);
// - groups and their registered clients: $XDG_STATE_HOME/toolhive/groups/<group>.json
//   (pkg/state/factory.go:15, pkg/groups/group.go:18@v0.44.0);
// - MCP client config files: VS Code's ~/.config/Code/User/mcp.json (`servers`),
//   Claude Code's ~/.claude.json and Cursor's ~/.cursor/mcp.json (`mcpServers`),
//   each server as {"url", "type"} (pkg/client/config.go:440-545, config_editor.go:68-129@v0.44.0).
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { huRemove, huUpsert } from './hujson.mts';

export interface ThvPaths {
  home: string;
  state: string;
  data: string;
}

/** adrg/xdg on Linux: XDG_STATE_HOME else ~/.local/state; XDG_DATA_HOME else ~/.local/share. */
export function thvPaths(home: string, env: Record<string, string>): ThvPaths {
  return {
    home,
    state: path.join(env['XDG_STATE_HOME'] || path.join(home, '.local', 'state'), 'toolhive'),
    data: path.join(env['XDG_DATA_HOME'] || path.join(home, '.local', 'share'), 'toolhive'),
  };
}

export const runConfigPath = (p: ThvPaths, name: string) =>
  path.join(p.state, 'runconfigs', `${name}.json`);
export const proxyLogPath = (p: ThvPaths, name: string) => path.join(p.data, 'logs', `${name}.log`);
const groupPath = (p: ThvPaths, group: string) => path.join(p.state, 'groups', `${group}.json`);

function writeFile0600(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o750 });
  writeFileSync(file, text, { mode: 0o600 });
}

// ── run config ────────────────────────────────────────────────────────────

export interface RunConfigInput {
  name: string;
  image: string;
  transport: string;
  proxyMode: string;
  host: string;
  port: number;
  targetPort: number;
  targetHost: string;
  group: string;
  permissionProfile: string;
  env: Record<string, string>;
  volumes: string[];
  secrets: string[];
  toolsFilter: string[];
  labels: Record<string, string>;
  isolateNetwork: boolean;
  oidc?: {
    issuer: string;
    audience: string;
    jwksUrl: string;
    introspectionUrl: string;
    clientId: string;
    clientSecret: string;
    caCertPath: string;
    authTokenFile: string;
    allowPrivateIp: boolean;
    insecureAllowHttp: boolean;
    resourceUrl: string;
    scopes: string[];
  };
  tokenExchange?: {
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    audience: string;
    scopes: string[];
    subjectTokenType: string;
    headerName: string;
  };
  thvCaBundle: string;
  jwksAuthTokenFile: string;
}

/** The JSON ToolHive's RunConfig serialises to (field names from its json tags). */
export function runConfigJson(c: RunConfigInput): Record<string, unknown> {
  // pkg/auth/token.go:397 TokenValidatorConfig has no json tags: Go field names
  const oidc = c.oidc
    ? {
        Issuer: c.oidc.issuer,
        Audience: c.oidc.audience,
        JWKSURL: c.oidc.jwksUrl,
        ClientID: c.oidc.clientId,
        ClientSecret: c.oidc.clientSecret,
        CACertPath: c.oidc.caCertPath,
        AuthTokenFile: c.oidc.authTokenFile,
        AllowPrivateIP: c.oidc.allowPrivateIp,
        InsecureAllowHTTP: c.oidc.insecureAllowHttp,
        IntrospectionURL: c.oidc.introspectionUrl,
        ResourceURL: c.oidc.resourceUrl,
        Scopes: c.oidc.scopes.length ? c.oidc.scopes : null,
      }
    : undefined;
  // pkg/oauthproto/tokenexchange/middleware.go:58 Config
  const te = c.tokenExchange
    ? {
        token_url: c.tokenExchange.tokenUrl,
        client_id: c.tokenExchange.clientId,
        client_secret: c.tokenExchange.clientSecret,
        audience: c.tokenExchange.audience,
        ...(c.tokenExchange.scopes.length ? { scopes: c.tokenExchange.scopes } : {}),
        ...(c.tokenExchange.subjectTokenType
          ? { subject_token_type: c.tokenExchange.subjectTokenType }
          : {}),
        header_strategy: c.tokenExchange.headerName ? 'custom' : 'replace',
        ...(c.tokenExchange.headerName
          ? { external_token_header_name: c.tokenExchange.headerName }
          : {}),
      }
    : undefined;
  const middleware = [
    { type: 'auth', parameters: oidc ? { oidc_config: oidc } : {} },
    ...(te ? [{ type: 'tokenexchange', parameters: { token_exchange_config: te } }] : []),
    { type: 'mcp-parser', parameters: {} },
  ];
  const omitEmpty = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o).filter(
        ([, v]) =>
          v !== undefined &&
          v !== '' &&
          v !== false &&
          v !== 0 &&
          !(Array.isArray(v) && v.length === 0) &&
          !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0),
      ),
    );
  return {
    schema_version: 'v0.1.0', // pkg/runner/config.go:40 CurrentSchemaVersion
    image: c.image,
    name: c.name,
    transport: c.transport,
    host: c.host,
    port: c.port,
    permission_profile: null,
    ...omitEmpty({
      container_name: c.name,
      base_name: c.name,
      target_port: c.targetPort,
      target_host: c.targetHost,
      permission_profile_name_or_path: c.permissionProfile,
      env_vars: c.env,
      volumes: c.volumes,
      container_labels: c.labels,
      oidc_config: oidc,
      secrets: c.secrets,
      isolate_network: c.isolateNetwork,
      proxy_mode: c.proxyMode,
      thv_ca_bundle: c.thvCaBundle,
      jwks_auth_token_file: c.jwksAuthTokenFile,
      group: c.group,
      tools_filter: c.toolsFilter,
      middleware_configs: middleware,
    }),
  };
}

export function saveRunConfig(p: ThvPaths, name: string, json: Record<string, unknown>): void {
  // encoder.SetIndent("", "  ") + Encode's trailing newline
  writeFile0600(runConfigPath(p, name), `${JSON.stringify(json, null, 2)}\n`);
}

export function deleteRunConfig(p: ThvPaths, name: string): void {
  rmSync(runConfigPath(p, name), { force: true });
}

// ── groups and registered clients ────────────────────────────────────────

interface GroupJson {
  name: string;
  registered_clients: string[];
}

export function readGroup(p: ThvPaths, group: string): GroupJson {
  try {
    return JSON.parse(readFileSync(groupPath(p, group), 'utf8')) as GroupJson;
  } catch {
    return { name: group, registered_clients: [] };
  }
}

export function writeGroup(p: ThvPaths, g: GroupJson): void {
  writeFile0600(groupPath(p, g.name), `${JSON.stringify(g, null, 2)}\n`);
}

/** `thv` creates the default group on start (cmd/thv/main.go:73@v0.44.0). */
export function ensureDefaultGroup(p: ThvPaths): void {
  if (!existsSync(groupPath(p, 'default'))) writeGroup(p, readGroup(p, 'default'));
}

// ── MCP client config files ──────────────────────────────────────────────

export interface ClientFile {
  /** Path under HOME (ToolHive joins the home dir with the platform prefix, not XDG_CONFIG_HOME). */
  rel: string[];
  /** JSON object the servers live in. */
  key: 'servers' | 'mcpServers';
}

/** The clients whose config files the shim writes (Linux paths). */
export const CLIENT_FILES: Record<string, ClientFile> = {
  vscode: { rel: ['.config', 'Code', 'User', 'mcp.json'], key: 'servers' },
  'vscode-insider': { rel: ['.config', 'Code - Insiders', 'User', 'mcp.json'], key: 'servers' },
  'claude-code': { rel: ['.claude.json'], key: 'mcpServers' },
  cursor: { rel: ['.cursor', 'mcp.json'], key: 'mcpServers' },
};

export const clientFilePath = (p: ThvPaths, client: string): string | undefined => {
  const f = CLIENT_FILES[client];
  return f ? path.join(p.home, ...f.rel) : undefined;
};

/** SupportedTransportTypesMap of these clients: streamable-http (and stdio) → "http", sse → "sse". */
const typeLabel = (transport: string) => (transport === 'sse' ? 'sse' : 'http');

function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return {};
  return JSON.parse(text) as Record<string, unknown>;
}

export function upsertClientServer(
  p: ThvPaths,
  client: string,
  name: string,
  url: string,
  transport: string,
): void {
  const file = clientFilePath(p, client);
  const spec = CLIENT_FILES[client];
  if (!file || !spec) return;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // the text ToolHive's hujson edit writes (pkg/client/config_editor.go:62@v0.44.0)
  writeFile0600(file, huUpsert(text, spec.key, name, { url, type: typeLabel(transport) }));
}

export function removeClientServer(p: ThvPaths, client: string, name: string): void {
  const file = clientFilePath(p, client);
  const spec = CLIENT_FILES[client];
  if (!file || !spec || !existsSync(file)) return;
  // pkg/client/config_editor.go:104@v0.44.0: a server that is not there leaves the file alone
  const after = huRemove(readFileSync(file, 'utf8'), spec.key, name);
  if (after !== undefined) writeFile0600(file, after);
}

/** The URL a client's config file holds for a server, or why there is none. */
export function clientConfigUrl(
  p: ThvPaths,
  client: string,
  server?: string,
): { url: string } | { error: string } {
  const file = clientFilePath(p, client);
  const spec = CLIENT_FILES[client];
  if (!file || !spec)
    return {
      error: `no known config file for client "${client}" (known: ${Object.keys(CLIENT_FILES).join(', ')})`,
    };
  if (!existsSync(file))
    return {
      error: `${file} does not exist: no sample registered ${client} (thv client register ${client}) while the server ran`,
    };
  let doc: Record<string, unknown>;
  try {
    doc = readJsonObject(file);
  } catch (e) {
    return { error: `${file} is not JSON: ${(e as Error).message}` };
  }
  const servers = (doc[spec.key] ?? {}) as Record<string, { url?: string }>;
  const names = Object.keys(servers);
  const name = server ?? (names.length === 1 ? names[0] : undefined);
  if (!name)
    return {
      error: `${file} has ${names.length} servers under "${spec.key}" (${names.join(', ') || 'none'}): name one with verify.url.server`,
    };
  const url = servers[name]?.url;
  if (!url)
    return {
      error: `${file} has no "${spec.key}.${name}.url" (servers: ${names.join(', ') || 'none'})`,
    };
  return { url };
}
