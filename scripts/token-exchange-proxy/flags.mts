// The command-line flags of the reference proxy, as one declarative table.
//
// The `--oidc-*`, `--jwks-*`, `--thv-ca-bundle`, `--resource-url`,
// `--token-exchange-*` and `--remote-auth*` flags take their names, types,
// defaults, mutual exclusions, environment fallbacks and the thv commands that
// define them from ToolHive's CLI table (scripts/lib/toolhive-cli.mts, written
// from cmd/thv/app/{common,run_flags,proxy,auth_flags}.go@v0.44.0); only the
// help text is the reference proxy's own. The `reference` group holds the flags
// that only the reference proxy has.
//
// Parsing follows spf13/pflag, which thv uses: `--name value` or
// `--name=value`; a bool is `--name` or `--name=true|false`; a string slice
// takes comma-separated values and may be repeated (the values add up).

import { thvCommandsWithFlag, thvFlag, type ThvFlag } from '../lib/toolhive-cli.mts';
import { parseGoDuration } from '../lib/go-duration.mts';

export type FlagType = 'string' | 'stringSlice' | 'bool' | 'int' | 'duration';
export type FlagGroup = 'proxy' | 'oidc' | 'token-exchange' | 'remote-auth' | 'reference';
export type FlagValue = string | string[] | boolean | number;

export interface FlagSpec {
  name: string;
  type: FlagType;
  /** Default as thv prints it: '' for strings, [] for slices, '30s' for durations. */
  default: string | string[] | boolean | number;
  group: FlagGroup;
  /** The thv commands that define it; empty for reference-only flags. */
  thvCommands: ('run' | 'proxy')[];
  mutuallyExclusiveWith?: string[];
  /** False: thv has the flag, the reference proxy refuses it at start-up when set. */
  implemented?: boolean;
  /** `--manifests` takes every following argument up to the next flag. */
  variadic?: boolean;
  env?: string;
  help: string;
}

/**
 * A flag named after thv's: name, type, default, exclusions, env and commands
 * from ToolHive's table (`thv run` and `thv proxy` define them alike where both do).
 */
function thv(
  name: string,
  group: FlagGroup,
  help: string,
  extra: Pick<FlagSpec, 'implemented'> = {},
): FlagSpec {
  const commands = thvCommandsWithFlag(name).filter(
    (c): c is 'run' | 'proxy' => c === 'run' || c === 'proxy',
  );
  const def = thvFlag(commands[0] ?? 'run', name) as ThvFlag | undefined;
  if (!def || commands.length === 0)
    throw new Error(`--${name} is not a flag of thv run or thv proxy`);
  if (def.type === 'stringArray' || def.type === 'float64')
    throw new Error(`--${name}: pflag type ${def.type} is not one the reference proxy parses`);
  return {
    name,
    type: def.type,
    default: def.default as FlagSpec['default'],
    group,
    thvCommands: commands,
    ...(def.mutuallyExclusiveWith?.length
      ? { mutuallyExclusiveWith: [...def.mutuallyExclusiveWith] }
      : {}),
    ...(def.env ? { env: def.env } : {}),
    ...extra,
    help,
  };
}

export const FLAGS: readonly FlagSpec[] = [
  // ── what to proxy (thv proxy's own flags) ──
  {
    name: 'target-uri',
    type: 'string',
    default: '',
    group: 'proxy',
    thvCommands: ['proxy'],
    help: 'URI of the upstream MCP server (required, unless --manifests gives it)',
  },
  {
    name: 'host',
    type: 'string',
    default: '127.0.0.1',
    group: 'proxy',
    thvCommands: ['proxy'],
    help: 'Address to listen on',
  },
  {
    name: 'port',
    type: 'int',
    default: 0,
    group: 'proxy',
    thvCommands: ['proxy'],
    help: 'Port to listen on (0 picks a free port; the URL is logged)',
  },
  // ── incoming-token validation (cmd/thv/app/common.go@v0.44.0) ──
  thv(
    'oidc-issuer',
    'oidc',
    'OIDC issuer URL; the iss claim must equal it; base of OIDC discovery',
  ),
  thv('oidc-audience', 'oidc', 'Audience the token must contain (empty: no audience check)'),
  thv('oidc-jwks-url', 'oidc', 'JWKS URL (empty: discovered from the issuer)'),
  thv(
    'oidc-introspection-url',
    'oidc',
    'RFC 7662 introspection endpoint, used for tokens that are not JWTs',
  ),
  thv('oidc-client-id', 'oidc', 'Client ID for introspection'),
  thv(
    'oidc-client-secret',
    'oidc',
    'Client secret for introspection (else $TOOLHIVE_OIDC_CLIENT_SECRET)',
  ),
  thv(
    'oidc-scopes',
    'oidc',
    'Scopes advertised in RFC 9728 metadata and WWW-Authenticate (default: openid)',
  ),
  thv(
    'oidc-insecure-allow-http',
    'oidc',
    'Allow plain-HTTP issuer, JWKS, introspection and token URLs on non-loopback hosts (otherwise refused)',
  ),
  thv(
    'jwks-auth-token-file',
    'oidc',
    'File holding a bearer token sent on JWKS and discovery fetches',
  ),
  thv(
    'jwks-allow-private-ip',
    'oidc',
    'Accepted for parity; the reference proxy does not block private IPs',
  ),
  thv(
    'thv-ca-bundle',
    'oidc',
    'Extra CA bundle (PEM) trusted for JWKS, discovery and introspection',
  ),
  thv(
    'resource-url',
    'oidc',
    'Resource URL for RFC 9728 metadata (empty: no resource_metadata, metadata 404)',
  ),
  // ── outgoing remote auth (cmd/thv/app/proxy.go@v0.44.0): thv has them; the reference proxy does not ──
  ...remoteAuthFlags(),
  // ── token exchange (cmd/thv/app/auth_flags.go@v0.44.0) ──
  thv('token-exchange-url', 'token-exchange', 'Token endpoint; setting it turns token exchange on'),
  thv(
    'token-exchange-client-id',
    'token-exchange',
    'Client ID (sent as HTTP Basic, only together with a secret)',
  ),
  thv(
    'token-exchange-client-secret',
    'token-exchange',
    'Client secret (else the file, else $TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET)',
  ),
  thv(
    'token-exchange-client-secret-file',
    'token-exchange',
    'File holding the client secret (trimmed; empty or unreadable is an error)',
  ),
  thv(
    'token-exchange-audience',
    'token-exchange',
    'Target audience, sent as `audience` when non-empty',
  ),
  thv(
    'token-exchange-scopes',
    'token-exchange',
    'Scopes to request, sent as one space-joined `scope`',
  ),
  thv(
    'token-exchange-subject-token-type',
    'token-exchange',
    'access_token (default), id_token, jwt, or their urn:ietf:params:oauth:token-type: URNs',
  ),
  thv(
    'token-exchange-header-name',
    'token-exchange',
    'Put `Bearer <token>` in this header instead of replacing Authorization',
  ),
  // ── the reference proxy's own flags ────────────────────────────────────
  {
    name: 'compat',
    type: 'string',
    default: '',
    group: 'reference',
    thvCommands: [],
    help: "'toolhive' reproduces ToolHive's behaviour (no cache, 401 for every exchange failure, …)",
  },
  {
    name: 'manifests',
    type: 'stringSlice',
    default: [],
    group: 'reference',
    thvCommands: [],
    variadic: true,
    help: 'Kubernetes YAML files (MCPServer, MCPOIDCConfig, MCPExternalAuthConfig, Secret) to run from',
  },
  {
    name: 'namespace',
    type: 'string',
    default: 'default',
    group: 'reference',
    thvCommands: [],
    help: 'Namespace of manifests that do not set metadata.namespace',
  },
  {
    name: 'clock-skew',
    type: 'duration',
    default: '30s',
    group: 'reference',
    thvCommands: [],
    help: 'Leeway for exp/nbf checks (ToolHive: 0s, used with --compat toolhive)',
  },
  {
    name: 'exchange-cache-size',
    type: 'int',
    default: 100000,
    group: 'reference',
    thvCommands: [],
    help: 'Most exchanged tokens (and verified tokens) kept in memory',
  },
  {
    name: 'exchange-refresh-margin',
    type: 'duration',
    default: '30s',
    group: 'reference',
    thvCommands: [],
    help: 'Exchange again this long before the cached token or the subject token expires',
  },
  {
    name: 'idp-timeout',
    type: 'duration',
    default: '10s',
    group: 'reference',
    thvCommands: [],
    help: 'Timeout of each call to the IdP (ToolHive: 30s)',
  },
  {
    name: 'jwks-cooldown',
    type: 'duration',
    default: '30s',
    group: 'reference',
    thvCommands: [],
    help: 'Least time between two JWKS refetches caused by an unknown kid',
  },
  {
    name: 'introspection-cache-ttl',
    type: 'duration',
    default: '10s',
    group: 'reference',
    thvCommands: [],
    help: 'Longest time an introspection answer is reused, so a revoked token stops working (RFC 7662 §4)',
  },
  {
    name: 'max-token-size',
    type: 'int',
    default: 8192,
    group: 'reference',
    thvCommands: [],
    help: 'Longest bearer token accepted, in bytes',
  },
  {
    name: 'log-level',
    type: 'string',
    default: 'info',
    group: 'reference',
    thvCommands: [],
    help: 'pino log level: fatal, error, warn, info, debug, trace or silent',
  },
  {
    name: 'help',
    type: 'bool',
    default: false,
    group: 'reference',
    thvCommands: [],
    help: 'Print this help and exit',
  },
];

function remoteAuthFlags(): FlagSpec[] {
  const f = (name: string, help: string) => thv(name, 'remote-auth', help, { implemented: false });
  return [
    f('remote-auth', 'Authenticate to a remote MCP server (OAuth)'),
    f('remote-auth-issuer', 'Remote OAuth issuer'),
    f('remote-auth-client-id', 'Remote OAuth client ID'),
    f('remote-auth-client-secret', 'Remote OAuth client secret'),
    f('remote-auth-client-secret-file', 'File with the remote client secret'),
    f('remote-auth-scopes', 'Remote OAuth scopes'),
    f('remote-auth-scope-param-name', 'Name of the scope parameter'),
    f('remote-auth-skip-browser', 'Do not open a browser'),
    f('remote-auth-timeout', 'Remote OAuth flow timeout'),
    f('remote-auth-callback-port', 'Remote OAuth callback port'),
    f('remote-auth-authorize-url', 'Remote OAuth authorize URL'),
    f('remote-auth-token-url', 'Remote OAuth token URL'),
    f('remote-auth-resource', 'RFC 8707 resource for the remote flow'),
    f('remote-auth-bearer-token', 'Static bearer token for the remote'),
    f('remote-auth-bearer-token-file', 'File with the static bearer token'),
  ];
}

export const FLAGS_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAGS.map((f) => [f.name, f]));

/** The thv auth flags the reference proxy implements (incoming validation and token exchange). */
export const THV_AUTH_FLAGS: ReadonlySet<string> = new Set(
  FLAGS.filter((f) => f.group === 'oidc' || f.group === 'token-exchange').map((f) => f.name),
);

export class FlagError extends Error {
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  /** Only the flags given on the command line, by name. */
  values: Map<string, FlagValue>;
}

function convert(spec: FlagSpec, raw: string): FlagValue {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'stringSlice':
      // pflag reads slices as one CSV record; empty input means no values.
      return raw === '' ? [] : raw.split(',').map((s) => s.trim());
    case 'bool':
      if (/^(1|t|true|TRUE|True)$/.test(raw)) return true;
      if (/^(0|f|false|FALSE|False)$/.test(raw)) return false;
      throw new FlagError(
        `invalid value "${raw}" for --${spec.name}: want true or false`,
        spec.name,
      );
    case 'int': {
      if (!/^-?\d+$/.test(raw)) {
        throw new FlagError(
          `invalid value "${raw}" for --${spec.name}: want an integer`,
          spec.name,
        );
      }
      return Number(raw);
    }
    case 'duration':
      try {
        return parseGoDuration(raw);
      } catch (e) {
        throw new FlagError(`invalid value for --${spec.name}: ${(e as Error).message}`, spec.name);
      }
  }
}

/** Parses argv (without node and script) into positionals and the given flags. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, FlagValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '-h') {
      values.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new FlagError(`unknown shorthand flag "${arg}"; run with --help to list the flags`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = FLAGS_BY_NAME.get(name);
    if (!spec) {
      const near = [...FLAGS_BY_NAME.keys()].filter(
        (n) => n.includes(name) || name.includes(n) || editDistance(n, name) <= 2,
      );
      const hint = near.length ? ` (did you mean --${near.slice(0, 3).join(', --')}?)` : '';
      throw new FlagError(`unknown flag --${name}${hint}; run with --help to list the flags`, name);
    }
    let raws: string[];
    if (eq !== -1) {
      raws = [arg.slice(eq + 1)];
    } else if (spec.type === 'bool') {
      raws = ['true'];
    } else if (spec.variadic) {
      raws = [];
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) {
        raws.push(argv[++i] as string);
      }
      if (raws.length === 0) throw new FlagError(`flag needs an argument: --${name}`, name);
    } else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`, name);
      raws = [argv[++i] as string];
    }
    for (const raw of raws) {
      const value = convert(spec, raw);
      const previous = values.get(name);
      if (spec.type === 'stringSlice' && Array.isArray(previous)) {
        values.set(name, [...previous, ...(value as string[])]);
      } else {
        values.set(name, value);
      }
    }
  }
  // cobra's MarkFlagsMutuallyExclusive: naming two of a group is an error.
  for (const name of values.keys()) {
    for (const other of FLAGS_BY_NAME.get(name)?.mutuallyExclusiveWith ?? []) {
      if (values.has(other) && name < other) {
        throw new FlagError(
          `if any flags in the group [${name} ${other}] are set none of the others can be; ` +
            `give either --${name} or --${other}`,
          name,
        );
      }
    }
  }
  return { positionals, values };
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** A flag's value, or its default. */
export function flagValue<T extends FlagValue>(args: ParsedArgs, name: string): T {
  const spec = FLAGS_BY_NAME.get(name);
  if (!spec) throw new Error(`no such flag in the table: ${name}`);
  if (args.values.has(name)) return args.values.get(name) as T;
  if (spec.type === 'duration') return parseGoDuration(spec.default as string) as T;
  return spec.default as T;
}

function formatDefault(spec: FlagSpec): string {
  if (spec.type === 'stringSlice') return `[${(spec.default as string[]).join(',')}]`;
  if (spec.type === 'string') return `"${String(spec.default)}"`;
  return String(spec.default);
}

export function helpText(): string {
  const titles: Record<FlagGroup, string> = {
    proxy: 'Proxy',
    oidc: 'Incoming token validation (thv --oidc-*, --resource-url)',
    'token-exchange': 'Token exchange, RFC 8693 (thv --token-exchange-*)',
    'remote-auth': 'Remote auth (thv --remote-auth*; accepted names, refused at start-up)',
    reference: 'Reference proxy only',
  };
  const lines = [
    'Usage: npm run proxy -- NAME --target-uri URL [flags]',
    '       npm run proxy -- [NAME] --manifests FILE... [flags]',
    '',
    "A token-exchange (RFC 8693) proxy that takes ToolHive's `thv proxy` / `thv run` auth flags.",
    '',
  ];
  for (const group of Object.keys(titles) as FlagGroup[]) {
    lines.push(`${titles[group]}:`);
    for (const spec of FLAGS.filter((f) => f.group === group)) {
      const type = spec.type === 'bool' ? '' : ` ${spec.type}`;
      const left = `  --${spec.name}${type}`;
      const right = `${spec.help} (default ${formatDefault(spec)})`;
      lines.push(
        left.length >= 40 ? `${left}\n${' '.repeat(42)}${right}` : left.padEnd(42) + right,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
