// ToolHive's `thv` command line, as one table: the subcommands the guides use,
// each with the flags it defines — name, shorthand, pflag type, default,
// allowed values, mutual exclusions — and a parser that reads a command line
// the way cobra/pflag do. Written from ToolHive's source at the release tag
// (cmd/thv/app/*.go@v0.44.0; each flag cites the line that defines it).
//
// Readers: the doctest `thv` shim (scripts/doctest/shims/thv.mts), the
// reference proxy's flag table (scripts/token-exchange-proxy/flags.mts takes
// the --oidc-*, --resource-url, --token-exchange-*, --remote-auth* names,
// types and defaults from here), the manifests reader, and the parity tests.
//
// Where the parser is stricter than thv, on purpose:
// - `thv run` sets cobra's FParseErrWhitelist{UnknownFlags: true}
//   (cmd/thv/app/run.go:132@v0.44.0): real thv ignores a flag it does not know,
//   so a misspelt --token-exchange-* flag silently turns the exchange off. The
//   parser fails on it (`strict` mode, the default). `parseThv(..., {strict:
//   false})` behaves as thv does and returns the ignored flags.
// - Every other subcommand fails on an unknown flag in thv too (cobra's
//   default), and so does the parser, in both modes.
// - `--tools` and `--otel-env-vars` are StringArrays although their help says
//   "comma-separated": thv reads `--tools a,b` as the one tool name "a,b". The
//   strict parser refuses the comma (`commaTrap`).
// - Enum values: thv checks them when it builds the run config
//   (transport, proxy mode, permission profile, image verification); the
//   parser checks them up front, with the same accepted values.
import { parseGoDuration } from './go-duration.mts';

export type ThvFlagType =
  | 'string'
  | 'bool'
  | 'int'
  | 'float64'
  | 'duration'
  /** pflag StringSlice: each value is read as a CSV record (commas split), repeatable. */
  | 'stringSlice'
  /** pflag StringArray: each value is taken whole (commas do NOT split), repeatable. */
  | 'stringArray';

export type ThvFlagValue = string | boolean | number | string[];

export interface ThvFlag {
  name: string;
  shorthand?: string;
  type: ThvFlagType;
  /** Default as pflag holds it: '' for strings, [] for slices/arrays, '30s' for durations. */
  default: ThvFlagValue;
  /** Values thv accepts (exact, case-sensitive); `orFile`: any other value names a file. */
  enum?: readonly string[];
  orFile?: boolean;
  mutuallyExclusiveWith?: readonly string[];
  /** Environment variable thv falls back to when the flag is empty. */
  env?: string;
  hidden?: boolean;
  /**
   * A StringArray whose help text in thv says "comma-separated": thv takes `a,b`
   * as ONE value, so the strict parser refuses a comma in it.
   */
  commaTrap?: boolean;
  /**
   * How thv itself refuses a value outside `enum`, when it is not at parse
   * time: the error text thv prints (after `Error: `) and where. thv checks
   * these while it builds the run config, after the image is resolved, so a
   * stand-in that prints what thv prints must refuse them at that point
   * (parseThv's `deferRefusals`).
   */
  thvRefusal?: { message: (value: string, positional: string) => string; source: string };
  /** Where thv defines it: `cmd/thv/app/<file>.go:<line>@v0.44.0`. */
  source: string;
}

export interface ThvCommand {
  /** Words after `thv`: 'run', 'client register'. */
  path: string;
  aliases?: readonly string[];
  /** Positional arguments cobra allows (max: undefined = any). */
  args: { min: number; max?: number };
  flags: readonly ThvFlag[];
  /** thv ignores unknown flags on this command (FParseErrWhitelist). */
  ignoresUnknownFlags?: boolean;
  /** Pairs cobra's MarkFlagsMutuallyExclusive declares. */
  source: string;
}

const at = (file: string, line: number) => `cmd/thv/app/${file}.go:${line}@v0.44.0`;
type Extra = Partial<Omit<ThvFlag, 'name' | 'type' | 'default' | 'source'>>;
const flag = (
  name: string,
  type: ThvFlagType,
  def: ThvFlagValue,
  source: string,
  extra: Extra = {},
): ThvFlag => ({ name, type, default: def, source, ...extra });

// ── shared flag sets ──────────────────────────────────────────────────────

/** AddOIDCFlags (common.go:20): on `thv run` and `thv proxy`. */
const OIDC_FLAGS: ThvFlag[] = [
  flag('oidc-issuer', 'string', '', at('common', 21)),
  flag('oidc-audience', 'string', '', at('common', 22)),
  flag('oidc-jwks-url', 'string', '', at('common', 23)),
  flag('oidc-introspection-url', 'string', '', at('common', 24)),
  flag('oidc-client-id', 'string', '', at('common', 25)),
  // pkg/auth/token.go@v0.44.0 reads TOOLHIVE_OIDC_CLIENT_SECRET when the flag is empty
  flag('oidc-client-secret', 'string', '', at('common', 26), {
    env: 'TOOLHIVE_OIDC_CLIENT_SECRET',
  }),
  flag('oidc-scopes', 'stringSlice', [], at('common', 27)),
];

/** AddRemoteAuthFlags (auth_flags.go:151): remote auth and token exchange, on `thv run` and `thv proxy`. */
const REMOTE_AUTH_AND_EXCHANGE_FLAGS: ThvFlag[] = [
  flag('remote-auth', 'bool', false, at('auth_flags', 152)),
  flag('remote-auth-issuer', 'string', '', at('auth_flags', 154), {
    mutuallyExclusiveWith: ['remote-auth-authorize-url', 'remote-auth-token-url'],
  }),
  flag('remote-auth-client-id', 'string', '', at('auth_flags', 156)),
  flag('remote-auth-client-secret', 'string', '', at('auth_flags', 159), {
    mutuallyExclusiveWith: ['remote-auth-client-secret-file'],
    env: 'TOOLHIVE_REMOTE_OAUTH_CLIENT_SECRET',
  }),
  flag('remote-auth-client-secret-file', 'string', '', at('auth_flags', 162), {
    mutuallyExclusiveWith: ['remote-auth-client-secret'],
  }),
  flag('remote-auth-scopes', 'stringSlice', [], at('auth_flags', 165)),
  flag('remote-auth-scope-param-name', 'string', '', at('auth_flags', 167)),
  flag('remote-auth-skip-browser', 'bool', false, at('auth_flags', 169)),
  flag('remote-auth-timeout', 'duration', '30s', at('auth_flags', 171)),
  // runner.DefaultCallbackPort, pkg/runner/config.go:877@v0.44.0
  flag('remote-auth-callback-port', 'int', 8666, at('auth_flags', 173)),
  flag('remote-auth-authorize-url', 'string', '', at('auth_flags', 175), {
    mutuallyExclusiveWith: ['remote-auth-issuer'],
  }),
  flag('remote-auth-token-url', 'string', '', at('auth_flags', 177), {
    mutuallyExclusiveWith: ['remote-auth-issuer'],
  }),
  flag('remote-auth-resource', 'string', '', at('auth_flags', 179)),
  flag('remote-auth-bearer-token', 'string', '', at('auth_flags', 181), {
    mutuallyExclusiveWith: ['remote-auth-bearer-token-file'],
  }),
  flag('remote-auth-bearer-token-file', 'string', '', at('auth_flags', 183), {
    mutuallyExclusiveWith: ['remote-auth-bearer-token'],
  }),
  flag('token-exchange-url', 'string', '', at('auth_flags', 192)),
  flag('token-exchange-client-id', 'string', '', at('auth_flags', 194)),
  flag('token-exchange-client-secret', 'string', '', at('auth_flags', 196), {
    mutuallyExclusiveWith: ['token-exchange-client-secret-file'],
    env: 'TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET', // auth_flags.go:22
  }),
  flag('token-exchange-client-secret-file', 'string', '', at('auth_flags', 198), {
    mutuallyExclusiveWith: ['token-exchange-client-secret'],
  }),
  flag('token-exchange-audience', 'string', '', at('auth_flags', 200)),
  flag('token-exchange-scopes', 'stringSlice', [], at('auth_flags', 202)),
  // tokenexchange.NormalizeTokenType, pkg/oauthproto/tokenexchange/exchange.go:26@v0.44.0
  flag('token-exchange-subject-token-type', 'string', '', at('auth_flags', 204), {
    enum: [
      '',
      'access_token',
      'id_token',
      'jwt',
      'urn:ietf:params:oauth:token-type:access_token',
      'urn:ietf:params:oauth:token-type:id_token',
      'urn:ietf:params:oauth:token-type:jwt',
    ],
  }),
  flag('token-exchange-header-name', 'string', '', at('auth_flags', 206)),
];

/** The root command's persistent flag (commands.go:52), and cobra's own --help. */
const GLOBAL_FLAGS: ThvFlag[] = [
  flag('debug', 'bool', false, at('commands', 52)),
  flag('help', 'bool', false, 'github.com/spf13/cobra: every command', { shorthand: 'h' }),
];

// ── thv run: AddRunFlags (run_flags.go:165) + AddOIDCFlags (run.go:151) ──

const RUN_FLAGS: ThvFlag[] = [
  // pkg/transport/types/transport.go:164 ParseTransportType (via the run config builder)
  flag('transport', 'string', '', at('run_flags', 166), {
    enum: ['', 'stdio', 'sse', 'streamable-http', 'STDIO', 'SSE', 'STREAMABLE-HTTP'],
    thvRefusal: {
      // RunConfig.WithTransport's error (config_builder.go:1117), wrapped at :1069
      message: (v) =>
        `failed to validate run config: invalid transport mode: ${v}. Valid modes are: sse, streamable-http, stdio`,
      source: 'pkg/runner/config.go:548@v0.44.0, pkg/runner/config_builder.go:1069@v0.44.0',
    },
  }),
  // run_flags.go:538 validateAndSetupProxyMode; pkg/transport/types/transport.go:306
  flag('proxy-mode', 'string', 'streamable-http', at('run_flags', 167), {
    enum: ['', 'sse', 'streamable-http'],
    thvRefusal: {
      message: (v) => `invalid value for --proxy-mode: ${v}`,
      source: at('run_flags', 543),
    },
  }),
  flag('name', 'string', '', at('run_flags', 171)),
  flag('group', 'string', 'default', at('run_flags', 172)),
  flag('host', 'string', '127.0.0.1', at('run_flags', 173)),
  flag('allowed-origins', 'stringArray', [], at('run_flags', 174)),
  flag('proxy-port', 'int', 0, at('run_flags', 178)),
  flag('target-port', 'int', 0, at('run_flags', 179)),
  flag('target-host', 'string', '127.0.0.1', at('run_flags', 181)),
  flag('publish', 'stringArray', [], at('run_flags', 186), { shorthand: 'p' }),
  // pkg/runner/config_builder.go:1300 loadPermissionProfile: none, network, or a JSON file
  flag('permission-profile', 'string', '', at('run_flags', 188), {
    enum: ['', 'none', 'network', 'stdio'],
    orFile: true,
  }),
  flag('env', 'stringArray', [], at('run_flags', 195), { shorthand: 'e' }),
  flag('volume', 'stringArray', [], at('run_flags', 202), { shorthand: 'v' }),
  flag('secret', 'stringArray', [], at('run_flags', 209)),
  flag('authz-config', 'string', '', at('run_flags', 215)),
  flag('audit-config', 'string', '', at('run_flags', 216)),
  flag('enable-audit', 'bool', false, at('run_flags', 217)),
  flag('k8s-pod-patch', 'string', '', at('run_flags', 219), { hidden: true }),
  flag('ca-cert', 'string', '', at('run_flags', 221)),
  flag('runtime-image', 'string', '', at('run_flags', 222)),
  flag('runtime-add-package', 'stringArray', [], at('run_flags', 224)),
  flag('build-with', 'stringArray', [], at('run_flags', 226)),
  // pkg/runner/retriever/retriever.go:30-34
  flag('image-verification', 'string', 'warn', at('run_flags', 230), {
    enum: ['warn', 'enabled', 'disabled'],
    thvRefusal: {
      // VerifyImage's error, wrapped by handleImageResolution
      message: (v, image) =>
        `failed to find or create the MCP server ${image}: invalid value for --image-verification: ${v}`,
      source: 'pkg/runner/retriever/retriever.go:387@v0.44.0, cmd/thv/app/run_flags.go:518@v0.44.0',
    },
  }),
  // thv run only: thv proxy has none of these four (proxy.go:136-165)
  flag('thv-ca-bundle', 'string', '', at('run_flags', 233)),
  flag('jwks-auth-token-file', 'string', '', at('run_flags', 235)),
  flag('jwks-allow-private-ip', 'bool', false, at('run_flags', 237)),
  flag('oidc-insecure-allow-http', 'bool', false, at('run_flags', 239)),
  ...REMOTE_AUTH_AND_EXCHANGE_FLAGS,
  flag('remote-forward-headers', 'stringArray', [], at('run_flags', 247)),
  flag('remote-forward-headers-secret', 'stringArray', [], at('run_flags', 249)),
  flag('resource-url', 'string', '', at('run_flags', 253)),
  flag('otel-endpoint', 'string', '', at('run_flags', 257)),
  flag('otel-service-name', 'string', '', at('run_flags', 259)),
  flag('otel-tracing-enabled', 'bool', true, at('run_flags', 261)),
  flag('otel-metrics-enabled', 'bool', true, at('run_flags', 263)),
  flag('otel-sampling-rate', 'float64', 0.1, at('run_flags', 265)),
  flag('otel-headers', 'stringArray', [], at('run_flags', 266)),
  flag('otel-insecure', 'bool', false, at('run_flags', 268)),
  flag('otel-enable-prometheus-metrics-path', 'bool', false, at('run_flags', 270)),
  // help: "(comma-separated: ENV1,ENV2)", but a StringArray
  flag('otel-env-vars', 'stringArray', [], at('run_flags', 272), { commaTrap: true }),
  flag('otel-custom-attributes', 'string', '', at('run_flags', 274)),
  flag('otel-use-legacy-attributes', 'bool', true, at('run_flags', 276)),
  flag('isolate-network', 'bool', true, at('run_flags', 279)),
  flag('allow-docker-gateway', 'bool', false, at('run_flags', 282)),
  flag('trust-proxy-headers', 'bool', false, at('run_flags', 287)),
  flag('strict-protocol-validation', 'bool', false, at('run_flags', 290)),
  flag('stateless', 'bool', false, at('run_flags', 293)),
  flag('session-ttl', 'duration', '0s', at('run_flags', 296)),
  flag('endpoint-prefix', 'string', '', at('run_flags', 298)),
  flag('network', 'string', '', at('run_flags', 300)),
  flag('label', 'stringArray', [], at('run_flags', 303), { shorthand: 'l' }),
  flag('foreground', 'bool', false, at('run_flags', 304), { shorthand: 'f' }),
  // a StringArray although its help says "comma-separated": --tools a,b is ONE tool name "a,b"
  flag('tools', 'stringArray', [], at('run_flags', 306), { commaTrap: true }),
  flag('tools-override', 'string', '', at('run_flags', 312)),
  flag('from-config', 'string', '', at('run_flags', 318)),
  flag('env-file', 'string', '', at('run_flags', 321)),
  flag('env-file-dir', 'string', '', at('run_flags', 322)),
  flag('webhook-config', 'stringArray', [], at('run_flags', 325)),
  flag('ignore-globally', 'bool', true, at('run_flags', 329)),
  flag('print-resolved-overlays', 'bool', false, at('run_flags', 331)),
  ...OIDC_FLAGS,
];

// ── thv proxy (proxy.go:136) ──────────────────────────────────────────────

const PROXY_FLAGS: ThvFlag[] = [
  flag('host', 'string', '127.0.0.1', at('proxy', 137)),
  flag('port', 'int', 0, at('proxy', 138)),
  flag('allowed-origins', 'stringArray', [], at('proxy', 139)),
  flag('target-uri', 'string', '', at('proxy', 143)), // required: proxy.go:167
  ...OIDC_FLAGS,
  flag('resource-url', 'string', '', at('proxy', 153)),
  ...REMOTE_AUTH_AND_EXCHANGE_FLAGS,
  flag('remote-forward-headers', 'stringArray', [], at('proxy', 161)),
  flag('remote-forward-headers-secret', 'stringArray', [], at('proxy', 163)),
];

// pkg/client/config.go:30-80@v0.44.0 (ClientApp constants; IsValidClient drops the LLM-gateway-only ones)
export const THV_CLIENT_TYPES = [
  'amp-cli',
  'antigravity',
  'claude-code',
  'cline',
  'codex',
  'continue',
  'copilot-cli',
  'cursor',
  'factory',
  'gemini-cli',
  'goose',
  'kimi-cli',
  'kiro',
  'lm-studio',
  'mistral-vibe',
  'opencode',
  'roo-code',
  'trae',
  'vscode',
  'vscode-insider',
  'vscode-server',
  'windsurf',
  'windsurf-jetbrains',
  'zed',
] as const;

export const THV_COMMANDS: readonly ThvCommand[] = [
  {
    path: 'run',
    args: { min: 1 }, // cobra.MinimumNArgs(1) unless --from-config (run.go:122-128)
    flags: RUN_FLAGS,
    ignoresUnknownFlags: true, // run.go:131-134
    source: at('run', 31),
  },
  { path: 'proxy', args: { min: 1, max: 1 }, flags: PROXY_FLAGS, source: at('proxy', 33) },
  {
    path: 'list',
    aliases: ['ls'],
    args: { min: 0, max: 0 },
    flags: [
      flag('all', 'bool', false, at('common', 192), { shorthand: 'a' }),
      // flag_helpers.go:21, validated by ValidateFormat (list.go:62)
      flag('format', 'string', 'text', at('flag_helpers', 21), {
        enum: ['json', 'text', 'mcpservers'],
      }),
      flag('label', 'stringArray', [], at('list', 57), { shorthand: 'l' }),
      flag('group', 'string', '', at('common', 184)),
      flag('check-upgrades', 'bool', false, at('list', 59)),
    ],
    source: at('list', 22),
  },
  {
    path: 'logs',
    args: { min: 1, max: 1 },
    flags: [
      flag('follow', 'bool', false, at('logs', 63), { shorthand: 'f' }),
      flag('proxy', 'bool', false, at('logs', 64), { shorthand: 'p' }),
    ],
    source: at('logs', 32),
  },
  {
    path: 'stop',
    args: { min: 0 },
    flags: [
      flag('timeout', 'int', 30, at('stop', 46)),
      flag('all', 'bool', false, at('common', 192), {
        shorthand: 'a',
        mutuallyExclusiveWith: ['group'],
      }),
      flag('group', 'string', '', at('common', 182), {
        shorthand: 'g',
        mutuallyExclusiveWith: ['all'],
      }),
    ],
    source: at('stop', 19),
  },
  {
    path: 'rm',
    args: { min: 0 },
    flags: [
      flag('all', 'bool', false, at('common', 194), { mutuallyExclusiveWith: ['group'] }),
      flag('group', 'string', '', at('common', 182), {
        shorthand: 'g',
        mutuallyExclusiveWith: ['all'],
      }),
    ],
    source: at('rm', 16),
  },
  {
    // ToolHive names it `start`; `restart` is its alias (restart.go:23-24)
    path: 'start',
    aliases: ['restart'],
    args: { min: 0, max: 1 },
    flags: [
      flag('all', 'bool', false, at('common', 192), {
        shorthand: 'a',
        mutuallyExclusiveWith: ['group'],
      }),
      flag('foreground', 'bool', false, at('restart', 37), { shorthand: 'f' }),
      flag('group', 'string', '', at('common', 182), {
        shorthand: 'g',
        mutuallyExclusiveWith: ['all'],
      }),
    ],
    source: at('restart', 22),
  },
  { path: 'client status', args: { min: 0, max: 0 }, flags: [], source: at('client', 35) },
  { path: 'client setup', args: { min: 0, max: 0 }, flags: [], source: at('client', 42) },
  {
    path: 'client register',
    args: { min: 1, max: 1 },
    flags: [flag('group', 'stringSlice', ['default'], at('client', 87))],
    source: at('client', 49),
  },
  {
    path: 'client remove',
    args: { min: 1, max: 1 },
    flags: [flag('group', 'stringSlice', [], at('client', 89))],
    source: at('client', 60),
  },
  {
    path: 'client list-registered',
    args: { min: 0, max: 0 },
    flags: [],
    source: at('client', 71),
  },
  {
    path: 'export',
    args: { min: 2, max: 2 }, // cobra.ExactArgs(2), export.go:42
    flags: [flag('format', 'string', 'json', at('export', 46), { enum: ['json', 'k8s'] })],
    source: at('export', 21),
  },
  { path: 'version', args: { min: 0, max: 0 }, flags: [], source: at('version', 22) },
];

/** The command whose path or alias matches, e.g. `thvCommand('restart')` → start. */
export function thvCommand(path: string): ThvCommand | undefined {
  return THV_COMMANDS.find((c) => c.path === path || c.aliases?.includes(path));
}

/** A flag of a command (its own, or a global one). */
export function thvFlag(command: string, name: string): ThvFlag | undefined {
  const cmd = thvCommand(command);
  return cmd?.flags.find((f) => f.name === name) ?? GLOBAL_FLAGS.find((f) => f.name === name);
}

/** The commands (by path) that define a flag. */
export function thvCommandsWithFlag(name: string): string[] {
  return THV_COMMANDS.filter((c) => c.flags.some((f) => f.name === name)).map((c) => c.path);
}

// ── parsing ───────────────────────────────────────────────────────────────

export class ThvCliError extends Error {
  constructor(
    message: string,
    readonly flag?: string,
  ) {
    super(message);
    this.name = 'ThvCliError';
  }
}

export interface ParsedThv {
  command: ThvCommand;
  /** The flags given, by name (slices and arrays accumulated). */
  values: Map<string, ThvFlagValue>;
  positionals: string[];
  /** Everything after `--` (thv run passes it to the MCP server). */
  passthrough: string[];
  /** Unknown flags thv would have ignored (only with strict: false on `thv run`). */
  ignored: string[];
  /**
   * With `deferRefusals`: flags whose value thv refuses later than parsing
   * (`thvRefusal`), with thv's error text. The value stays in `values`.
   */
  refused: Map<string, string>;
}

/** pflag's strconv.ParseBool. */
function parseBool(raw: string): boolean | undefined {
  if (/^(1|t|T|true|TRUE|True)$/.test(raw)) return true;
  if (/^(0|f|F|false|FALSE|False)$/.test(raw)) return false;
  return undefined;
}

/** pflag's string-slice reading: one CSV record per value (encoding/csv, so quotes group). */
function readCsvRecord(raw: string): string[] {
  if (raw === '') return [];
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (quoted) {
      if (c === '"' && raw[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Converts one raw value (flag given once) as pflag's Set does. */
export function convertThvFlag(cmd: string, f: ThvFlag, raw: string): ThvFlagValue {
  const bad = (want: string) =>
    new ThvCliError(
      `invalid argument "${raw}" for "--${f.name}" flag of "thv ${cmd}": ${want}`,
      f.name,
    );
  switch (f.type) {
    case 'string':
      return raw;
    case 'stringSlice':
      return readCsvRecord(raw);
    case 'stringArray':
      return [raw];
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined) throw bad('want true or false');
      return b;
    }
    case 'int':
      if (!/^[-+]?\d+$/.test(raw)) throw bad('want an integer');
      return Number(raw);
    case 'float64':
      if (!Number.isFinite(Number(raw)) || raw.trim() === '') throw bad('want a number');
      return Number(raw);
    case 'duration':
      try {
        return parseGoDuration(raw);
      } catch (e) {
        throw bad((e as Error).message);
      }
  }
}

const listOf = (vals: readonly string[]) =>
  vals
    .filter((v) => v !== '')
    .map((v) => JSON.stringify(v))
    .join(', ');

/**
 * Reads `thv <command words> <args…>` as cobra would: the command (longest
 * match of its words or an alias), `--name value`, `--name=value`, `-x value`,
 * `-x=value`, bools without a value, `--` ending the flags. Fails naming the
 * subcommand for a flag it does not define, a missing value, a bad type, a
 * value outside the flag's enum, two mutually exclusive flags, or a wrong
 * number of arguments.
 */
export function parseThv(
  argv: readonly string[],
  opts: { strict?: boolean; deferRefusals?: boolean } = {},
): ParsedThv {
  const strict = opts.strict ?? true;
  const refusedLater: { flag: ThvFlag; value: string }[] = [];
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  let command: ThvCommand | undefined;
  let used = 0;
  for (let n = Math.min(words.length, 2); n > 0 && !command; n--) {
    command = thvCommand(words.slice(0, n).join(' '));
    if (command) used = n;
  }
  if (!command) {
    const known = [...new Set(THV_COMMANDS.map((c) => c.path.split(' ')[0]))].join(', ');
    const what = words.slice(0, words[0] === 'client' ? 2 : 1).join(' ');
    throw new ThvCliError(
      what
        ? `unknown command "${what}" for "thv" (commands: ${known})`
        : `no command given (commands: ${known})`,
    );
  }
  const name = command.path;
  const lookup = (n: string) =>
    command.flags.find((f) => f.name === n) ?? GLOBAL_FLAGS.find((f) => f.name === n);
  const lookupShort = (s: string) =>
    command.flags.find((f) => f.shorthand === s) ?? GLOBAL_FLAGS.find((f) => f.shorthand === s);
  const values = new Map<string, ThvFlagValue>();
  const positionals: string[] = [];
  let passthrough: string[] = [];
  const ignored: string[] = [];
  const rest = argv.slice(used);
  const unknown = (shown: string) => {
    const elsewhere = thvCommandsWithFlag(shown.replace(/^-+/, '').split('=')[0] as string);
    const hint = elsewhere.length
      ? ` (--${shown.replace(/^-+/, '').split('=')[0]} is a flag of ${elsewhere.map((c) => `thv ${c}`).join(', ')}, not of thv ${name})`
      : command.ignoresUnknownFlags
        ? // pflag's stripUnknownFlagValue under cobra's FParseErrWhitelist
          ` (thv ${name} ignores flags it does not know: it drops ${shown} and, unless the next argument starts with "-", that argument too, as the flag's value)`
        : '';
    return new ThvCliError(`unknown flag: ${shown} for "thv ${name}"${hint}`, shown);
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--') {
      passthrough = rest.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let f: ThvFlag | undefined;
    let inline: string | undefined;
    let shown: string;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const n = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (eq >= 0) inline = arg.slice(eq + 1);
      shown = `--${n}`;
      f = lookup(n);
    } else {
      const s = arg.slice(1, 2);
      shown = `-${s}`;
      f = lookupShort(s);
      if (arg.length > 2) inline = arg[2] === '=' ? arg.slice(3) : arg.slice(2);
    }
    if (!f) {
      if (!strict && command.ignoresUnknownFlags) {
        ignored.push(arg);
        continue;
      }
      throw unknown(shown);
    }
    let raw: string;
    if (inline !== undefined) raw = inline;
    else if (f.type === 'bool') raw = 'true';
    else {
      if (i + 1 >= rest.length)
        throw new ThvCliError(`flag needs an argument: ${shown} (thv ${name})`, f.name);
      raw = rest[++i] as string;
    }
    if (strict && f.commaTrap && raw.includes(',')) {
      throw new ThvCliError(
        `--${f.name} "${raw}" of "thv ${name}": --${f.name} is a StringArray, so thv takes "${raw}" as ONE value ` +
          `(pflag splits only StringSlice values on commas); repeat the flag: ${raw
            .split(',')
            .map((x) => `--${f.name} ${x}`)
            .join(' ')}`,
        f.name,
      );
    }
    const v = convertThvFlag(name, f, raw);
    if (
      f.enum &&
      typeof v === 'string' &&
      !f.enum.includes(v) &&
      !f.orFile &&
      opts.deferRefusals &&
      f.thvRefusal
    ) {
      refusedLater.push({ flag: f, value: v });
    } else if (f.enum && typeof v === 'string' && !f.enum.includes(v) && !f.orFile) {
      throw new ThvCliError(
        `invalid value "${v}" for --${f.name} of "thv ${name}": must be one of ${listOf(f.enum)}`,
        f.name,
      );
    }
    const prev = values.get(f.name);
    values.set(
      f.name,
      Array.isArray(prev) && Array.isArray(v) ? [...prev, ...v] : (v as ThvFlagValue),
    );
  }
  // cobra's MarkFlagsMutuallyExclusive
  for (const n of values.keys()) {
    for (const other of lookup(n)?.mutuallyExclusiveWith ?? []) {
      if (values.has(other) && n < other) {
        throw new ThvCliError(
          `if any flags in the group [${n} ${other}] are set none of the others can be; [${[n, other].sort().join(' ')}] were all set (thv ${name})`,
          n,
        );
      }
    }
  }
  const { min, max } = command.args;
  if (positionals.length < min && !(name === 'run' && values.has('from-config'))) {
    throw new ThvCliError(
      `"thv ${name}" requires at least ${min} arg(s), only received ${positionals.length}`,
    );
  }
  if (max !== undefined && positionals.length > max) {
    throw new ThvCliError(
      max === 0
        ? `unknown command "${positionals[0]}" for "thv ${name}"`
        : `"thv ${name}" accepts at most ${max} arg(s), received ${positionals.length}`,
    );
  }
  const refused = new Map(
    refusedLater.map(({ flag: f, value }) => [
      f.name,
      f.thvRefusal?.message(value, positionals[0] ?? '') ?? '',
    ]),
  );
  return { command, values, positionals, passthrough, ignored, refused };
}

/** A flag's value as given, else its default (durations in ms). */
export function thvValue<T extends ThvFlagValue>(p: ParsedThv, name: string): T {
  if (p.values.has(name)) return p.values.get(name) as T;
  const f =
    p.command.flags.find((x) => x.name === name) ?? GLOBAL_FLAGS.find((x) => x.name === name);
  if (!f) throw new Error(`thv ${p.command.path} has no flag --${name} in the table`);
  if (f.type === 'duration') return parseGoDuration(f.default as string) as T;
  return f.default as T;
}
