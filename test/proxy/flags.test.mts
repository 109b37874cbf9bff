// The flag table against ToolHive's real flags, and the start-up rules:
// slices, secret resolution, subject token types, exclusions, errors.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  FLAGS,
  FLAGS_BY_NAME,
  helpText,
  parseArgs,
} from '../../scripts/token-exchange-proxy/flags.mts';
import { optionsFromArgs } from '../../scripts/token-exchange-proxy/options.mts';

const flagsJson = path.resolve(
  import.meta.dirname,
  '../../../shared/reference/thv-auth-flags.json',
);
const root = path.resolve(import.meta.dirname, '../..');
const opts = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  optionsFromArgs(parseArgs(['srv', '--target-uri', 'http://127.0.0.1:9', ...argv]), env);
const te = ['--token-exchange-url', 'https://idp.example.com/token'];

describe.skipIf(!existsSync(flagsJson))(
  'parity with ../shared/reference/thv-auth-flags.json',
  () => {
    const real = existsSync(flagsJson)
      ? (JSON.parse(readFileSync(flagsJson, 'utf8')) as {
          command: string;
          name: string;
          type: string;
          default: unknown;
          mutuallyExclusiveWith: string[];
        }[])
      : [];
    it.each(real.map((f) => [`${f.command} --${f.name}`, f] as const))(
      '%s: same name, type, default, exclusions',
      (_n, f) => {
        const ours = FLAGS_BY_NAME.get(f.name);
        expect(ours, `--${f.name} is missing from the flag table`).toBeDefined();
        expect(ours?.type).toBe(f.type);
        expect(ours?.default).toEqual(f.default);
        expect([...(ours?.mutuallyExclusiveWith ?? [])].sort()).toEqual(
          [...f.mutuallyExclusiveWith].sort(),
        );
        expect(ours?.thvCommands).toContain(f.command);
      },
    );
  },
);
if (!existsSync(flagsJson))
  it.skip(`flag parity: ${flagsJson} is absent (../shared not mounted)`, () => {});

describe('parsing like pflag', () => {
  it('string slices: comma-separated and repeatable', () => {
    const o = opts([
      ...te,
      '--token-exchange-scopes',
      'api:read,api:write',
      '--token-exchange-scopes=extra',
    ]);
    expect(o.tokenExchange?.scopes).toEqual(['api:read', 'api:write', 'extra']);
  });
  it('--flag=value and --flag value; bools as --flag or --flag=false', () => {
    expect(parseArgs(['--oidc-issuer=https://a']).values.get('oidc-issuer')).toBe('https://a');
    expect(parseArgs(['--oidc-insecure-allow-http']).values.get('oidc-insecure-allow-http')).toBe(
      true,
    );
    expect(
      parseArgs(['--oidc-insecure-allow-http=false']).values.get('oidc-insecure-allow-http'),
    ).toBe(false);
  });
  it('unknown flags, bad values and missing arguments stop start-up naming the flag', () => {
    expect(() => parseArgs(['--token-exchange-scope', 'x'])).toThrow(
      /unknown flag --token-exchange-scope \(did you mean --token-exchange-scopes/,
    );
    expect(() => parseArgs(['--port', 'eighty'])).toThrow(/invalid value "eighty" for --port/);
    expect(() => parseArgs(['--clock-skew', '5 minutes'])).toThrow(/--clock-skew/);
    expect(() => parseArgs(['--oidc-issuer'])).toThrow(/flag needs an argument: --oidc-issuer/);
    expect(() => opts(['--compat', 'keycloak'])).toThrow(/--compat "keycloak"/);
    expect(() => opts(['--token-exchange-url', 'not a url'])).toThrow(/--token-exchange-url/);
    expect(() => opts(['--remote-auth'])).toThrow(/--remote-auth .*does not implement/);
  });
  it('secret and secret file are mutually exclusive', () => {
    expect(() =>
      parseArgs([
        '--token-exchange-client-secret',
        'a',
        '--token-exchange-client-secret-file',
        'b',
      ]),
    ).toThrow(/\[token-exchange-client-secret token-exchange-client-secret-file\]/);
  });
  it('introspection alone is refused (ToolHive needs an issuer or JWKS URL)', () => {
    expect(() => opts(['--oidc-introspection-url', 'https://idp/introspect'])).toThrow(
      /--oidc-introspection-url needs --oidc-issuer or --oidc-jwks-url/,
    );
  });
});

describe('client secret: flag, else file, else TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'secret-'));
  const file = path.join(dir, 'secret');
  const env = { TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: 'from-env' };
  it('the flag wins', () => {
    expect(
      opts([...te, '--token-exchange-client-secret', 'from-flag'], env).tokenExchange?.clientSecret,
    ).toBe('from-flag');
  });
  it('then the file, trimmed', () => {
    writeFileSync(file, '  from-file\n');
    expect(
      opts([...te, '--token-exchange-client-secret-file', file], env).tokenExchange?.clientSecret,
    ).toBe('from-file');
  });
  it('an empty or unreadable file is a start-up error', () => {
    writeFileSync(file, ' \n');
    expect(() => opts([...te, '--token-exchange-client-secret-file', file], env)).toThrow(
      /--token-exchange-client-secret-file: .* is empty/,
    );
    expect(() =>
      opts([...te, '--token-exchange-client-secret-file', path.join(dir, 'nope')], env),
    ).toThrow(/cannot read .*ENOENT/);
  });
  it('then the env var; else none (public client)', () => {
    expect(opts(te, env).tokenExchange?.clientSecret).toBe('from-env');
    expect(opts(te, {}).tokenExchange?.clientSecret).toBeUndefined();
  });
  it('without --token-exchange-url the other exchange flags are ignored', () => {
    expect(opts(['--token-exchange-audience', 'x']).tokenExchange).toBeUndefined();
  });
});

describe('subject token type', () => {
  it.each([
    ['', 'urn:ietf:params:oauth:token-type:access_token'],
    ['access_token', 'urn:ietf:params:oauth:token-type:access_token'],
    ['id_token', 'urn:ietf:params:oauth:token-type:id_token'],
    ['jwt', 'urn:ietf:params:oauth:token-type:jwt'],
    ['urn:ietf:params:oauth:token-type:id_token', 'urn:ietf:params:oauth:token-type:id_token'],
  ])('%j → %s', (input, urn) => {
    expect(
      opts([...te, `--token-exchange-subject-token-type=${input}`]).tokenExchange?.subjectTokenType,
    ).toBe(urn);
  });
  it.each(['ID_TOKEN', 'refresh_token', 'urn:ietf:params:oauth:token-type:saml2'])(
    '%s is an error listing the allowed values',
    (bad) => {
      expect(() => opts([...te, '--token-exchange-subject-token-type', bad])).toThrow(
        /must be one of access_token, id_token, jwt/,
      );
    },
  );
});

describe('--help and the CLI', () => {
  it('--help lists every flag with its default', () => {
    const help = helpText();
    for (const f of FLAGS)
      expect(help).toMatch(new RegExp(`--${f.name}\\b[^\\n]*(\\n {42}[^\\n]*)?\\(default `));
  });
  it('the CLI exits 2 with a message naming the flag', async () => {
    const run = promisify(execFile);
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    const err = await run(
      tsx,
      [
        'scripts/token-exchange-proxy/cli.mts',
        'srv',
        '--target-uri',
        'http://127.0.0.1:9',
        '--oidc-issue',
        'x',
      ],
      { cwd: root },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toContain('unknown flag --oidc-issue');
  });
});
