// Configuration: validated on load, every error names the bad field; the
// default configuration is the tenant the guides use; the CLI reports errors.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  ConfigError,
  defaultConfig,
  loadConfigFile,
  startMockIdp,
  validateConfig,
} from '../../scripts/mock-idp/index.mts';

function problems(value: unknown): string[] {
  try {
    validateConfig(value, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('test.yaml');
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration validation', () => {
  it('accepts the default configuration: the guides tenant', () => {
    const config = validateConfig(defaultConfig());
    const okta = config.tenants.find((t) => t.vendor === 'okta');
    expect(okta?.domain).toBe('dev-123456.okta.com');
    expect(okta?.authorizationServers.map((s) => [s.id, s.audiences])).toEqual([
      ['aus1234567890', ['mcp-server']],
      ['aus9876543210', ['backend-api']],
    ]);
    expect(okta?.authorizationServers[1]?.trust).toEqual([{ server: 'aus1234567890' }]);
    expect(okta?.clients?.[0]).toMatchObject({
      clientId: '0oa0987654321fedcba',
      clientSecret: 'mock-only-exchange-secret',
      grantTypes: ['urn:ietf:params:oauth:grant-type:token-exchange'],
    });
    expect(okta?.users?.[0]).toMatchObject({
      login: 'alice@example.com',
      id: '00u1a2b3c4d5e6f7g8h9',
      name: 'Alice Example',
    });
    expect(config.tenants.map((t) => t.domain)).toEqual([
      'dev-123456.okta.com',
      'keycloak.example.com',
      'example-tenant.us.auth0.com',
      'sts.googleapis.com',
    ]);
  });

  it('names the path of every schema error', () => {
    const config = defaultConfig() as unknown as { tenants: Record<string, unknown>[] };
    const okta = config.tenants[0] as {
      vendor: string;
      clients: Record<string, unknown>[];
      authorizationServers: Record<string, unknown>[];
      color?: string;
    };
    okta.vendor = 'ping';
    okta.color = 'blue';
    (okta.clients[0] as { grantTypes: string[] }).grantTypes = ['password'];
    delete okta.authorizationServers[1]?.scopes;
    expect(problems(config)).toEqual(
      expect.arrayContaining([
        'tenants[0].vendor: must be one of "okta", "keycloak", "auth0", "google-sts"',
        'tenants[0].color: unknown field',
        expect.stringMatching(
          /^tenants\[0\]\.clients\[0\]\.grantTypes\[0\]: must be one of "authorization_code"/,
        ),
        'tenants[0].authorizationServers[1].scopes: is required',
      ]),
    );
  });

  it('checks references: trust, access policies, duplicates', () => {
    const config = defaultConfig();
    const okta = config.tenants[0];
    if (!okta?.clients) throw new Error('default config changed');
    okta.authorizationServers[1]?.trust?.push(
      { server: 'aus-missing' },
      { domain: 'nowhere.example.com', server: 'x' },
    );
    okta.clients[0]?.access?.push({ server: 'aus9876543210', scopes: ['api:delete'] });
    okta.clients.push({ clientId: '0oa1234567890abcdef', grantTypes: ['client_credentials'] });
    okta.clients.push({
      clientId: 'no-secret',
      tokenEndpointAuthMethods: ['client_secret_basic'],
      grantTypes: ['client_credentials'],
    });
    expect(problems(config)).toEqual([
      'tenants[0].authorizationServers[1].trust[1].server: no authorization server "aus-missing" in tenant dev-123456.okta.com',
      'tenants[0].authorizationServers[1].trust[2].domain: no tenant "nowhere.example.com" in this configuration',
      'tenants[0].clients[0].access[1].scopes[0]: "api:delete" is not a scope of aus9876543210',
      'tenants[0].clients[2].clientId: "0oa1234567890abcdef" is used twice',
      'tenants[0].clients[3].clientSecret: is required for client_secret_basic',
    ]);
  });

  it('loads YAML and reports unreadable or unparsable files with their path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-config-'));
    const good = join(dir, 'idp.yaml');
    const config = defaultConfig();
    config.tenants = config.tenants.slice(0, 1);
    writeFileSync(good, stringify(config));
    expect(loadConfigFile(good).tenants).toHaveLength(1);
    const idp = await startMockIdp({ config: good });
    expect(idp.authorizationServers.map((s) => s.id)).toEqual(['aus1234567890', 'aus9876543210']);
    await idp.close();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'tenants: [\n  - vendor: okta\n');
    expect(() => loadConfigFile(bad)).toThrow(/bad\.yaml:[\s\S]*not valid YAML/);
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(
      /missing\.yaml:[\s\S]*cannot read the file/,
    );
  });
});

describe('CLI', () => {
  const run = promisify(execFile);
  const cli = ['--import', 'tsx', 'scripts/mock-idp/cli.mts'];

  it('prints help, and refuses bad flags and bad configurations with exit status 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-idp-cli-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ tenants: [] }));
    const failed = (e: { code: number; stderr: string }) => e;
    // Three processes at once: each tsx start costs seconds on a shared machine.
    const [help, badFlag, badConfig] = await Promise.all([
      run(process.execPath, [...cli, '--help']),
      run(process.execPath, [...cli, '--port', 'eighty']).catch(failed),
      run(process.execPath, [...cli, '--config', join(dir, 'c.json')]).catch(failed),
    ]);
    expect(help.stdout).toContain('--tls-cert FILE');
    expect(badFlag).toMatchObject({ code: 2 });
    expect(badFlag.stderr).toContain('--port must be a port number');
    expect(badConfig).toMatchObject({ code: 2 });
    expect(badConfig.stderr).toContain('tenants: must NOT have fewer than 1 items');
  });
});
