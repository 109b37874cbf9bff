// --manifests: strict validation against the project's CRDs (and against the
// real ToolHive CRDs when ../shared is present), reference resolution, and
// the operator's defaults.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDefinition, mcpServerCrd } from '../../scripts/lib/crds/index.mts';
import {
  formatProblem,
  loadManifestFiles,
  parseManifestText,
  validateManifest,
} from '../../scripts/lib/k8s-validate.mts';
import { parseArgs } from '../../scripts/token-exchange-proxy/flags.mts';
import { planFromManifests } from '../../scripts/token-exchange-proxy/manifests.mts';

const examplesDir = path.resolve(
  import.meta.dirname,
  '../../scripts/token-exchange-proxy/examples',
);
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => path.join(examplesDir, f));
const realCrdDir = path.resolve(import.meta.dirname, '../../../shared/reference/toolhive-crds');

function tmpFile(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  const file = path.join(dir, 'm.yaml');
  writeFileSync(file, text);
  return file;
}

const good = readFileSync(path.join(examplesDir, 'okta-token-exchange.yaml'), 'utf8');

function problemsOf(text: string): string[] {
  const { problems } = loadManifestFiles([tmpFile(text)]);
  return problems.map(formatProblem);
}

describe('the example manifests', () => {
  it.each(examples)('%s validates against the project CRDs', (file) => {
    expect(loadManifestFiles([file]).problems.map(formatProblem)).toEqual([]);
  });

  describe.skipIf(!existsSync(realCrdDir))(
    'against the real ToolHive v1beta1 CRDs (../shared/reference/toolhive-crds)',
    () => {
      const real = (kind: string) =>
        JSON.parse(
          readFileSync(path.join(realCrdDir, `${kind.toLowerCase()}.v1beta1.schema.json`), 'utf8'),
        ) as Record<string, unknown>;
      it.each(examples)('%s', (file) => {
        const { docs } = parseManifestText(readFileSync(file, 'utf8'), file);
        for (const doc of docs.filter((d) => d.kind !== 'Secret')) {
          expect(validateManifest(doc, real(doc.kind)).map(formatProblem)).toEqual([]);
        }
      });
      it('rejects what the project CRDs reject (snake_case keys of ToolHive’s own broken examples)', () => {
        const text = good.replace('tokenUrl:', 'token_url:');
        const { docs } = parseManifestText(text, 'x.yaml');
        const ext = docs.find((d) => d.kind === 'MCPExternalAuthConfig');
        if (!ext) throw new Error('no MCPExternalAuthConfig');
        const messages = validateManifest(ext, real('MCPExternalAuthConfig')).map((p) => p.message);
        expect(messages).toContain('unknown field "spec.tokenExchange.token_url"');
      });
    },
  );
  if (!existsSync(realCrdDir))
    it.skip(`real-CRD check: ${realCrdDir} is absent (../shared not mounted)`, () => {});
});

describe('strict validation errors name file:line, document, field and problem', () => {
  it('unknown field (snake_case, as in ToolHive’s own example files)', () => {
    const p = problemsOf(good.replace('    tokenUrl:', '    token_url:'));
    expect(p).toContainEqual(
      expect.stringMatching(
        /m\.yaml:22: MCPExternalAuthConfig\/backend-token-exchange \(document 2\): spec\.tokenExchange\.token_url: unknown field/,
      ),
    );
    expect(p).toContainEqual(
      expect.stringMatching(/spec\.tokenExchange\.tokenUrl: Required value/),
    );
  });
  it('enum', () => {
    expect(
      problemsOf(good.replace('transport: streamable-http', 'transport: http')),
    ).toContainEqual(
      expect.stringMatching(
        /MCPServer\/backend-mcp \(document 4\): spec\.transport: Unsupported value: supported values: "stdio", "streamable-http", "sse"/,
      ),
    );
  });
  it('range', () => {
    expect(problemsOf(good.replace('proxyPort: 8080', 'proxyPort: 70000'))).toContainEqual(
      expect.stringMatching(/spec\.proxyPort: Invalid value/),
    );
  });
  it('type selects exactly one sub-object', () => {
    const p = problemsOf(good.replace('type: tokenExchange', 'type: headerInjection'));
    expect(p).toContainEqual(
      expect.stringMatching(
        /spec: Invalid value: tokenExchange configuration must be set if and only if type is 'tokenExchange'/,
      ),
    );
    expect(p).toContainEqual(
      expect.stringMatching(/headerInjection configuration must be set if and only if/),
    );
  });
  it('subjectTokenType pattern', () => {
    const p = problemsOf(
      good.replace(
        '    scopes:\n      - api:read',
        '    subjectTokenType: ID_TOKEN\n    scopes:\n      - api:read',
      ),
    );
    expect(p).toContainEqual(
      expect.stringMatching(/spec\.tokenExchange\.subjectTokenType: Invalid value: should match/),
    );
  });
  it('oidcConfigRef.audience is required', () => {
    expect(problemsOf(good.replace('    audience: mcp-server\n', ''))).toContainEqual(
      expect.stringMatching(/spec\.oidcConfigRef\.audience: Required value/),
    );
  });
  it('metadata.name must be a DNS-1123 name', () => {
    expect(problemsOf(good.replace('name: backend-mcp\n', 'name: Backend_MCP\n'))).toContainEqual(
      expect.stringMatching(/metadata\.name: Invalid value/),
    );
  });
  it('apiVersion not served', () => {
    expect(problemsOf(good.replace(/v1beta1/g, 'v2'))).toContainEqual(
      expect.stringMatching(/apiVersion: no version "v2" of MCPServer/),
    );
  });
  it('YAML syntax errors carry the line', () => {
    expect(
      problemsOf('apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n   bad: [\n'),
    ).toContainEqual(expect.stringMatching(/m\.yaml:\d+: .*YAML/));
  });
  it('defaults are filled in (proxyPort 8080, transport stdio)', () => {
    const { docs } = parseManifestText(
      'apiVersion: toolhive.stacklok.dev/v1beta1\nkind: MCPServer\nmetadata:\n  name: a\nspec:\n  image: x\n',
      'a.yaml',
    );
    const doc = docs[0];
    if (!doc) throw new Error('no doc');
    expect(validateManifest(doc)).toEqual([]);
    expect(doc.object.spec).toMatchObject({ proxyPort: 8080, transport: 'stdio' });
  });
});

describe('CRD definitions for the kubectl shim', () => {
  it('short names and printer columns', () => {
    expect(findDefinition('extauth')?.kind).toBe('MCPExternalAuthConfig');
    expect(findDefinition('mcpoidc')?.kind).toBe('MCPOIDCConfig');
    expect(findDefinition('mcpservers')?.kind).toBe('MCPServer');
    expect(mcpServerCrd.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'Status',
      'Ready',
      'Replicas',
      'URL',
      'Age',
    ]);
  });
});

describe('planFromManifests: runs as the operator’s proxy would', () => {
  it('resolves references, the secret (via the env var) and the defaults', () => {
    const plan = planFromManifests(
      examples.filter((f) => f.endsWith('okta-token-exchange.yaml')),
      parseArgs(['--target-uri', 'http://127.0.0.1:9']),
    );
    expect(plan.options).toMatchObject({
      name: 'backend-mcp',
      port: 8080,
      resourceUrl: 'https://mcp.example.com/mcp',
      oidc: {
        issuer: 'https://dev-123456.okta.com/oauth2/aus1234567890',
        audience: 'mcp-server',
        scopes: ['openid', 'offline_access', 'mcp:tools:list', 'mcp:tools:call'],
      },
      tokenExchange: {
        tokenUrl: 'https://dev-123456.okta.com/oauth2/aus9876543210/v1/token',
        audience: 'backend-api',
        clientId: '0oa0987654321fedcba',
        clientSecret: 'mock-only-exchange-secret',
        scopes: ['api:read', 'api:write'],
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      },
    });
    expect(plan.containerEnv).toEqual({
      TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET: 'mock-only-exchange-secret',
    });
  });
  it('default resourceUrl is http://<name>.<namespace>.svc.cluster.local:<proxyPort>; base64 data; custom header', () => {
    const plan = planFromManifests(
      examples.filter((f) => f.endsWith('custom-header.yaml')),
      parseArgs(['--target-uri', 'http://127.0.0.1:9', '--port', '0']),
    );
    expect(plan.options.resourceUrl).toBe('http://header-mcp.default.svc.cluster.local:8080');
    expect(plan.options.port).toBe(0);
    expect(plan.options.tokenExchange).toMatchObject({
      clientSecret: 'mock-only-exchange-secret',
      headerName: 'X-Backend-Token',
    });
  });
  it('a missing Secret key is an error naming the document and field', () => {
    const file = tmpFile(good.replace('key: client-secret', 'key: secret'));
    expect(() => planFromManifests([file], parseArgs(['--target-uri', 'http://x']))).toThrow(
      /m\.yaml:\d+: MCPExternalAuthConfig\/backend-token-exchange \(document 2\): spec\.tokenExchange\.clientSecretRef\.key: Secret "token-exchange-client" has no key "secret" \(it has: client-secret\)/,
    );
  });
  it('a dangling reference is an error', () => {
    const file = tmpFile(good.replace('name: okta-mcp\n    audience', 'name: nope\n    audience'));
    expect(() => planFromManifests([file], parseArgs(['--target-uri', 'http://x']))).toThrow(
      /spec\.oidcConfigRef\.name: MCPOIDCConfig "nope" is not in the manifests/,
    );
  });
  it('references only resolve within one namespace', () => {
    const file = tmpFile(
      good.replace(
        / {2}namespace: toolhive-system\ntype: Opaque/,
        '  namespace: other\ntype: Opaque',
      ),
    );
    expect(() => planFromManifests([file], parseArgs(['--target-uri', 'http://x']))).toThrow(
      /Secret "token-exchange-client" is not in the manifests/,
    );
  });
  it('needs --target-uri and refuses flags the manifests set', () => {
    expect(() => planFromManifests(examples.slice(0, 1), parseArgs([]))).toThrow(
      /--target-uri is required with --manifests/,
    );
    expect(() =>
      planFromManifests(
        examples.slice(0, 1),
        parseArgs(['--target-uri', 'http://x', '--oidc-issuer', 'http://y']),
      ),
    ).toThrow(/--oidc-issuer cannot be combined with --manifests/);
  });
});
