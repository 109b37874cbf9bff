// What the guides say about ToolHive itself, checked against ToolHive's
// behaviour at the release the guides are written for. The doctest runs the
// samples; these checks hold the prose and the plans to the facts a sample
// cannot show (which host a client is given, which command cleans up, which
// subcommand has which flag). Each check names the ToolHive source it follows.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

const CLI = 'docs/toolhive/guides-cli/token-exchange.mdx';
const CLI_PLAN = 'docs/toolhive/guides-cli/token-exchange.doctest.yaml';
const K8S = 'docs/toolhive/guides-k8s/token-exchange-k8s.mdx';
const CONCEPT = 'docs/toolhive/concepts/backend-auth.mdx';
const REF = 'docs/toolhive/reference/token-exchange-proxy.mdx';
const SETTINGS = 'docs/toolhive/reference/token-exchange-settings.mdx';
const TROUBLE = 'docs/toolhive/troubleshooting/token-exchange.mdx';

/** Whether `re` occurs in `text`; a failure names the pattern, not the whole page. */
function says(text: string, re: RegExp, where: string): void {
  const found = re.test(text);
  expect(found, `${where}: ${found ? 'must not match' : 'must match'} ${re}`).toBe(true);
}
function saysNot(text: string, re: RegExp, where: string): void {
  const found = re.exec(text);
  expect(found?.[0] ?? null, `${where}: must not say ${re}`).toBeNull();
}

/** The pages a guide is read with: the page and the partials it imports. */
function withPartials(rel: string): string {
  const text = read(rel);
  const partials = [...text.matchAll(/^import \w+ from '(\.[^']+\.mdx)';$/gm)].map((m) =>
    read(path.join(path.dirname(rel), m[1] as string)),
  );
  return [text, ...partials].join('\n');
}

/** Prose of a page: fenced blocks removed, line breaks folded into spaces. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```$/gm, '').replace(/\s+/g, ' ');
}

/** The fenced code blocks of a page, with their meta. */
function fences(text: string): { lang: string; meta: string; body: string }[] {
  return [...text.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] as string,
    meta: (m[2] as string).trim(),
    body: m[3] as string,
  }));
}

/** The text under a heading (any level) up to the next heading of that level or higher. */
function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = (lines[start] as string).match(/^#+/)?.[0].length ?? 1;
  let end = lines.length;
  let inFence = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.startsWith('```')) inFence = !inFence;
    if (inFence) continue;
    const m = l.match(/^(#+) /);
    if (m && (m[1] as string).length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

describe('CLI guide: the resource URL is the one thv gives clients', () => {
  // pkg/workloads/types/types.go@v0.44.0 builds the workload URL with
  // transport.LocalhostIPv4 (pkg/transport/http.go@v0.44.0: "127.0.0.1");
  // `thv list`, `thv client setup` and `thv client register` all write it.
  it('binds RESOURCE_URL to a 127.0.0.1 URL and verifies through the URL a client is given', () => {
    const plan = parseYaml(read(CLI_PLAN)) as {
      bind: Record<string, unknown>;
      verify: { url: string | { fromClientConfig: string } };
    };
    // the value comes from the page's values table (the plan's valueTables), or the plan binds it
    const row = /^\| `<RESOURCE_URL>` +\|[^|]*`(http[^`]+)`/m.exec(read(CLI))?.[1];
    const bound = plan.bind['RESOURCE_URL'];
    expect(row ?? bound, 'RESOURCE_URL: no table row on the page and no plan binding').toBeTruthy();
    expect(new URL(String(row ?? bound)).hostname).toBe('127.0.0.1');
    // The verify step connects through what `thv client register` wrote.
    expect(plan.verify.url).toEqual({ fromClientConfig: 'vscode' });
    says(read(CLI), /^thv client register vscode$/m, CLI);
  });
  it('sends no sample to localhost:<port>, which a client given 127.0.0.1 never uses', () => {
    const bad = fences(withPartials(CLI)).filter((f) => /localhost:\d+/.test(f.body));
    expect(bad.map((f) => f.body.slice(0, 80))).toEqual([]);
  });
});

describe('CLI guide: logs, clean-up and the stored secret', () => {
  // cmd/thv/app/logs.go@v0.44.0: without --proxy, `thv logs` prints the MCP
  // server container's log; the token-exchange warning is in the proxy log.
  it('points to `thv logs <SERVER_NAME> --proxy` with a sample', () => {
    const samples = fences(read(CLI) + read(TROUBLE)).filter((f) => f.lang === 'bash');
    expect(samples.some((f) => /^thv logs <SERVER_NAME> --proxy\b/m.test(f.body))).toBe(true);
    for (const f of samples) {
      for (const line of f.body.split('\n').filter((l) => /^thv logs\b/.test(l))) {
        says(line, /--proxy|-p\b/, CLI);
      }
    }
  });
  // pkg/oauthproto/tokenexchange/middleware.go@v0.44.0 logs the error, whose
  // RetrieveError keeps ErrorCode and ErrorDescription (pkg/oauthproto/grants.go).
  it("does not claim that ToolHive's log leaves out the IdP's error", () => {
    saysNot(prose(withPartials(CLI) + read(TROUBLE)), /leaves out the IdP's error/i, CLI);
    says(prose(read(TROUBLE)), /carries the IdP's `error` and `error_description`/, TROUBLE);
  });
  // pkg/workloads/manager.go@v0.44.0: cleanupWorkloadResources (rm) deletes the
  // saved run config and client entries; stop keeps both.
  it('cleans up with `thv rm`, not `thv stop`', () => {
    const cleanUp = section(read(CLI), 'Clean up');
    const code = fences(cleanUp)
      .map((f) => f.body)
      .join('\n');
    says(code, /^thv rm <SERVER_NAME>$/m, CLI);
    saysNot(code, /^thv stop\b/m, CLI);
  });
  // pkg/runner/config_builder.go@v0.44.0 (CLI flag path): the resolved
  // client_secret is serialized into the saved RunConfig; `thv export` writes it.
  it('says the secret is saved in plain text and how to rotate it', () => {
    const text = prose(read(CLI));
    says(text, /saves the secret in plain text/, CLI);
    says(prose(read(SETTINGS)), /secret is saved in plain text/, SETTINGS);
    says(text, /thv export/, CLI);
    says(text, /thv rm <SERVER_NAME>/, CLI);
  });
  // cmd/thv/app/common.go@v0.44.0: --oidc-scopes has no default; ToolHive
  // advertises openid when it is empty (pkg/auth/token.go NewAuthInfoHandler).
  it('gives --oidc-scopes no default, and says openid is advertised', () => {
    const text = withPartials(CLI) + read(REF) + read(SETTINGS);
    saysNot(text, /`--oidc-scopes`\s*\|\s*`openid`/, CLI);
    says(prose(text), /advertise[sd]? (as )?`openid`/, CLI);
  });
  // cmd/thv/app/proxy.go@v0.44.0 addExternalTokenMiddleware: with a token
  // source (remote auth or bearer token) the exchange subject is that token.
  it('does not say the exchange flags mean the same on thv proxy', () => {
    const text = prose(withPartials(CLI) + read(REF) + read(SETTINGS));
    saysNot(text, /on `thv run` and `thv proxy` with the same meaning/, CLI);
    says(text, /`thv proxy`[\s\S]{0,200}own remote token/, CLI);
  });
});

describe('Reference page: which flags thv proxy has', () => {
  // ../shared beside the checkout (or beside the worktrees' parent).
  const flagsFile =
    ['../shared', '../../shared']
      .map((d) => path.resolve(root, d, 'reference/thv-auth-flags.json'))
      .find((f) => existsSync(f)) ?? '';
  const present = flagsFile !== '';
  it.skipIf(!present)(
    `matches ToolHive's flag table (cmd/thv/app/run_flags.go, proxy.go@v0.44.0)${present ? '' : ': skipped, ../shared/reference/thv-auth-flags.json is absent'}`,
    () => {
      const flags = JSON.parse(readFileSync(flagsFile, 'utf8')) as {
        command: string;
        name: string;
      }[];
      const onProxy = new Set(flags.filter((f) => f.command === 'proxy').map((f) => f.name));
      const table = section(read(REF), 'Flags shared with ToolHive')
        .split('\n')
        .filter((l) => /^\| `--/.test(l));
      expect(table.length).toBeGreaterThan(10);
      for (const row of table) {
        const cells = row.split('|').map((c) => c.trim());
        const name = (cells[1] as string).replace(/`|--|\*/g, '');
        const column = cells[4];
        const truth = name === 'remote-auth' ? true : onProxy.has(name);
        expect({ flag: name, onThvProxy: column }).toEqual({
          flag: name,
          onThvProxy: truth ? 'yes' : 'no',
        });
      }
    },
  );
});

describe('Concept page: what only the operator has', () => {
  // cmd/thv/app@v0.44.0 has no AWS STS or embedded-AS flags; both are set only
  // in cmd/thv-operator/pkg/controllerutil/{tokenexchange,authserver}.go.
  it('marks awsSts and the embedded authorization server as Kubernetes-only', () => {
    const text = read(CONCEPT);
    says(
      prose(section(text, 'Embedded authorization server')),
      /only in the Kubernetes operator/,
      CONCEPT,
    );
    says(
      prose(section(text, 'Federated identity providers')),
      /`awsSts` exists only in the Kubernetes operator/,
      CONCEPT,
    );
    const choose = section(text, 'Choose a pattern');
    for (const row of choose.split('\n').filter((l) => /awsSts|Embedded/.test(l))) {
      says(row, /Kubernetes only/, CONCEPT);
    }
  });
  it('maps the embedded authorization server to backends that are their own OAuth provider', () => {
    says(section(read(CONCEPT), 'Choose a pattern'), /GitHub/, CONCEPT);
  });
});

describe('Kubernetes guide: the derived resource URL', () => {
  // cmd/thv-operator/pkg/oidc/resolver.go@v0.44.0 createServiceURL uses proxyPort.
  it('names proxyPort as the port of the default resource URL', () => {
    const text = prose(read(K8S));
    says(text, /svc\.cluster\.local:<PROXY_PORT>`/, K8S);
    saysNot(text, /svc\.cluster\.local:8080`/, K8S);
  });
});
