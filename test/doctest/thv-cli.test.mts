// ToolHive's CLI table (scripts/lib/toolhive-cli.mts): parsing as cobra/pflag
// do, per-subcommand flags, types, enums; the reference proxy's flag table
// reads it; parity with the flag lists extracted from ToolHive's source.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseThv,
  thvCommand,
  thvCommandsWithFlag,
  thvFlag,
  thvValue,
  THV_COMMANDS,
} from '../../scripts/lib/toolhive-cli.mts';
import { FLAGS, THV_AUTH_FLAGS } from '../../scripts/token-exchange-proxy/flags.mts';

const root = path.resolve(import.meta.dirname, '../..');
const reference = path.resolve(root, '../shared/reference');
const authJson = path.join(reference, 'thv-auth-flags.json');
const runJson = path.join(reference, 'thv-run-flags.json');

describe('parsing as cobra/pflag do', () => {
  it('finds the subcommand, its alias, positionals and -- passthrough', () => {
    const p = parseThv(['run', '--name', 'x', 'img:1', '--', '--toolsets', 'repos']);
    expect(p.command.path).toBe('run');
    expect(p.positionals).toEqual(['img:1']);
    expect(p.passthrough).toEqual(['--toolsets', 'repos']);
    expect(parseThv(['restart', 'x']).command.path).toBe('start');
    expect(parseThv(['ls']).command.path).toBe('list');
    expect(parseThv(['client', 'register', 'vscode']).command.path).toBe('client register');
  });

  it('StringSlice splits on commas, StringArray does not; both accumulate', () => {
    const p = parseThv([
      'run',
      '--oidc-scopes',
      'openid,profile',
      '--oidc-scopes=email',
      '-e',
      'A=1,2',
      '--env=B=3',
      'img',
    ]);
    expect(p.values.get('oidc-scopes')).toEqual(['openid', 'profile', 'email']);
    expect(p.values.get('env')).toEqual(['A=1,2', 'B=3']);
  });

  it('a comma in --tools (a StringArray whose help says comma-separated) is refused with the fix', () => {
    expect(() => parseThv(['run', '--tools', 'a,b', 'img'])).toThrow(
      /--tools is a StringArray, so thv takes "a,b" as ONE value .*--tools a --tools b/,
    );
    expect(parseThv(['run', '--tools', 'a', '--tools', 'b', 'img']).values.get('tools')).toEqual([
      'a',
      'b',
    ]);
    // what thv itself does
    expect(
      parseThv(['run', '--tools', 'a,b', 'img'], { strict: false }).values.get('tools'),
    ).toEqual(['a,b']);
  });

  it('bools: --flag, --flag=false; ints and durations are checked', () => {
    const p = parseThv([
      'run',
      '--isolate-network=false',
      '--foreground',
      '--session-ttl',
      '2h',
      'i',
    ]);
    expect(p.values.get('isolate-network')).toBe(false);
    expect(p.values.get('foreground')).toBe(true);
    expect(p.values.get('session-ttl')).toBe(7_200_000);
    expect(() => parseThv(['run', '--proxy-port', 'eighty', 'i'])).toThrow(
      /invalid argument "eighty" for "--proxy-port" flag of "thv run"/,
    );
    expect(() => parseThv(['run', '--session-ttl', '2 hours', 'i'])).toThrow(/--session-ttl/);
  });

  it('defaults come from the table', () => {
    const p = parseThv(['run', 'img']);
    expect(thvValue(p, 'proxy-mode')).toBe('streamable-http');
    expect(thvValue(p, 'host')).toBe('127.0.0.1');
    expect(thvValue(p, 'group')).toBe('default');
    expect(thvValue(p, 'isolate-network')).toBe(true);
    expect(thvValue(p, 'remote-auth-timeout')).toBe(30_000);
    expect(thvValue(parseThv(['list']), 'format')).toBe('text');
  });

  it('enum values: transport, proxy mode, image verification, list --format, subject token type', () => {
    expect(() => parseThv(['run', '--transport', 'http', 'i'])).toThrow(
      /invalid value "http" for --transport of "thv run": must be one of "stdio", "sse", "streamable-http"/,
    );
    expect(() => parseThv(['run', '--proxy-mode', 'stdio', 'i'])).toThrow(/--proxy-mode/);
    expect(() => parseThv(['run', '--image-verification', 'strict', 'i'])).toThrow(
      /"warn", "enabled", "disabled"/,
    );
    expect(() => parseThv(['list', '--format', 'yaml'])).toThrow(/"json", "text", "mcpservers"/);
    expect(() => parseThv(['run', '--token-exchange-subject-token-type', 'ID_TOKEN', 'i'])).toThrow(
      /--token-exchange-subject-token-type/,
    );
    // permission profile: none, network, or a file (checked when the shim runs)
    expect(
      parseThv(['run', '--permission-profile', './p.json', 'i']).values.get('permission-profile'),
    ).toBe('./p.json');
  });

  it('a flag the subcommand lacks is an error naming the subcommand and the ones that have it', () => {
    for (const f of [
      'oidc-insecure-allow-http',
      'jwks-auth-token-file',
      'jwks-allow-private-ip',
      'thv-ca-bundle',
    ]) {
      expect(thvCommandsWithFlag(f)).toEqual(['run']);
      expect(() => parseThv(['proxy', 'srv', '--target-uri', 'http://x', `--${f}`, 'v'])).toThrow(
        new RegExp(
          `unknown flag: --${f} for "thv proxy" \\(--${f} is a flag of thv run, not of thv proxy\\)`,
        ),
      );
    }
    expect(() => parseThv(['run', '--port', '8080', 'i'])).toThrow(
      /unknown flag: --port for "thv run" \(--port is a flag of thv proxy, not of thv run\)/,
    );
    expect(() => parseThv(['logs', 'x', '--tail', '5'])).toThrow(
      /unknown flag: --tail for "thv logs"/,
    );
  });

  it('thv run ignores unknown flags (FParseErrWhitelist): strict fails on them, non-strict reports them', () => {
    expect(() => parseThv(['run', '--token-exchange-audiance', 'x', 'i'])).toThrow(
      /unknown flag: --token-exchange-audiance for "thv run" \(thv run ignores flags it does not know/,
    );
    const p = parseThv(['run', '--token-exchange-audiance=x', 'i'], { strict: false });
    expect(p.ignored).toEqual(['--token-exchange-audiance=x']);
    // every other subcommand fails in thv too, in both modes
    expect(() => parseThv(['list', '--bogus'], { strict: false })).toThrow(/unknown flag: --bogus/);
  });

  it('mutual exclusions, argument counts, missing values, unknown commands', () => {
    expect(() =>
      parseThv([
        'run',
        '--token-exchange-client-secret',
        'a',
        '--token-exchange-client-secret-file',
        'b',
        'i',
      ]),
    ).toThrow(/\[token-exchange-client-secret token-exchange-client-secret-file\]/);
    expect(() => parseThv(['stop', '--all', '--group', 'g'])).toThrow(/\[all group\]/);
    expect(() => parseThv(['run'])).toThrow(/"thv run" requires at least 1 arg/);
    expect(() => parseThv(['logs'])).toThrow(/"thv logs" requires at least 1 arg/);
    expect(() => parseThv(['client', 'register'])).toThrow(/"thv client register" requires/);
    expect(() => parseThv(['run', '--name'])).toThrow(/flag needs an argument: --name \(thv run\)/);
    expect(() => parseThv(['lst'])).toThrow(/unknown command "lst" for "thv"/);
    expect(() => parseThv(['client', 'setpu'])).toThrow(/unknown command "client setpu"/);
  });
});

describe('the reference proxy reads its thv flags from the table', () => {
  it('every oidc, token-exchange and remote-auth flag has the table’s type, default, exclusions, env and commands', () => {
    const thvNamed = FLAGS.filter((f) =>
      ['oidc', 'token-exchange', 'remote-auth'].includes(f.group),
    );
    expect(thvNamed.length).toBeGreaterThan(30);
    for (const f of thvNamed) {
      const t = thvFlag(f.thvCommands[0] as string, f.name);
      expect(t, f.name).toBeDefined();
      expect(f.type).toBe(t?.type);
      expect(f.default).toEqual(t?.default);
      expect([...(f.mutuallyExclusiveWith ?? [])].sort()).toEqual(
        [...(t?.mutuallyExclusiveWith ?? [])].sort(),
      );
      expect(f.env).toBe(t?.env);
      expect([...f.thvCommands].sort()).toEqual(
        thvCommandsWithFlag(f.name)
          .filter((c) => c === 'run' || c === 'proxy')
          .sort(),
      );
    }
    expect(FLAGS.find((f) => f.name === 'thv-ca-bundle')?.thvCommands).toEqual(['run']);
    expect(THV_AUTH_FLAGS.has('resource-url')).toBe(true);
    expect(THV_AUTH_FLAGS.has('remote-auth')).toBe(false);
  });

  it('every thv flag of run and proxy the proxy does not implement is at least in the table', () => {
    for (const c of ['run', 'proxy']) expect(thvCommand(c)?.flags.length).toBeGreaterThan(20);
  });

  it('each flag cites ToolHive’s source at the tag', () => {
    for (const c of THV_COMMANDS) {
      expect(c.source).toMatch(/^cmd\/thv\/app\/[a-z_]+\.go:\d+@v\d+\.\d+\.\d+$/);
      for (const f of c.flags)
        expect(f.source, `${c.path} --${f.name}`).toMatch(/\.go:\d+@v\d+\.\d+\.\d+$/);
    }
  });
});

describe.skipIf(!existsSync(authJson) || !existsSync(runJson))(
  'parity with the flag lists extracted from ToolHive (../shared/reference)',
  () => {
    it('thv run defines exactly the flags of thv-run-flags.json (debug is the root’s persistent flag)', () => {
      const real = (JSON.parse(readFileSync(runJson, 'utf8')) as { flags: string[] }).flags;
      const ours = (thvCommand('run')?.flags ?? []).map((f) => f.name);
      expect(real.filter((n) => !ours.includes(n))).toEqual(['debug']);
      expect(thvFlag('run', 'debug')?.type).toBe('bool');
      expect(ours.filter((n) => !real.includes(n))).toEqual([]);
    });
    it('auth flags of run and proxy: same type, default, exclusions (thv-auth-flags.json)', () => {
      const real = JSON.parse(readFileSync(authJson, 'utf8')) as {
        command: string;
        name: string;
        type: string;
        default: unknown;
        mutuallyExclusiveWith: string[];
      }[];
      expect(real.length).toBeGreaterThan(50);
      for (const f of real) {
        const ours = thvCommand(f.command)?.flags.find((x) => x.name === f.name);
        expect(ours, `thv ${f.command} --${f.name}`).toBeDefined();
        expect(ours?.type, f.name).toBe(f.type);
        expect(ours?.default, f.name).toEqual(f.default);
        expect([...(ours?.mutuallyExclusiveWith ?? [])].sort(), f.name).toEqual(
          [...f.mutuallyExclusiveWith].sort(),
        );
      }
      // and nothing the other way round: the table's proxy has no auth flag the list lacks
      const realProxy = new Set(real.filter((f) => f.command === 'proxy').map((f) => f.name));
      for (const f of thvCommand('proxy')?.flags ?? [])
        if (/^(oidc-|jwks-|thv-ca|resource-url|token-exchange-|remote-auth)/.test(f.name))
          expect(realProxy.has(f.name), `thv proxy --${f.name}`).toBe(true);
    });
  },
);
if (!existsSync(authJson) || !existsSync(runJson))
  it.skip(`flag parity: ${reference} is absent (../shared not mounted)`, () => {});
