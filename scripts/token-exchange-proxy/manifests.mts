// --manifests: run from Kubernetes manifests as the ToolHive operator's proxy
// would (cmd/thv-operator/pkg/controllerutil/tokenexchange.go and pkg/oidc/resolver.go@v0.44.0). The documents are validated strictly
// against the project's CRD schemas, references are resolved in one
// namespace, the Secret key must exist, and the client secret reaches the
// proxy the operator's way: as TOOLHIVE_TOKEN_EXCHANGE_CLIENT_SECRET.
import {
  formatProblem,
  lineOf,
  loadManifestFiles,
  ManifestError,
  type ManifestDoc,
  type ManifestProblem,
} from '../lib/k8s-validate.mts';
import { FlagError, flagValue, THV_AUTH_FLAGS, type ParsedArgs } from './flags.mts';
import {
  ENV_OIDC_CLIENT_SECRET,
  ENV_TOKEN_EXCHANGE_CLIENT_SECRET,
  normalizeSubjectTokenType,
  optionsFromArgs,
  type OidcOptions,
  type ProxyOptions,
  type TokenExchangeOptions,
} from './options.mts';

type Obj = Record<string, unknown>;

/** Flags the manifests decide (the thv auth flags); giving them as well is a contradiction. */
const FROM_MANIFESTS = THV_AUTH_FLAGS;

export interface ManifestPlan {
  options: ProxyOptions;
  /** The env vars the operator would set on the proxy container (values are secrets: never log). */
  containerEnv: Record<string, string>;
  notes: string[];
}

function fail(doc: ManifestDoc, path: (string | number)[], message: string): never {
  const p: ManifestProblem = {
    file: doc.file,
    index: doc.index,
    line: lineOf(doc, path) ?? doc.line,
    kind: doc.kind,
    name: doc.name,
    path: path.join('.'),
    message,
  };
  throw new ManifestError([p]);
}

function secretValue(
  secrets: ManifestDoc[],
  from: ManifestDoc,
  at: (string | number)[],
  ref: { name: string; key: string },
): string {
  const secret = secrets.find((s) => s.name === ref.name);
  if (!secret) {
    fail(
      from,
      at,
      `Secret "${ref.name}" is not in the manifests (namespace ${from.namespace ?? 'default'}); add it or fix the name`,
    );
  }
  const o = secret.object;
  const stringData = (o.stringData ?? {}) as Record<string, string>;
  const data = (o.data ?? {}) as Record<string, string>;
  // The API server merges stringData over data.
  if (ref.key in stringData) return stringData[ref.key] as string;
  if (ref.key in data) return Buffer.from(data[ref.key] as string, 'base64').toString('utf8');
  const keys = [...new Set([...Object.keys(stringData), ...Object.keys(data)])];
  return fail(
    from,
    [...at, 'key'],
    `Secret "${ref.name}" has no key "${ref.key}" (it has: ${keys.join(', ') || 'none'})`,
  );
}

export function planFromManifests(files: string[], args: ParsedArgs): ManifestPlan {
  for (const name of args.values.keys()) {
    if (FROM_MANIFESTS.has(name)) {
      throw new FlagError(
        `--${name} cannot be combined with --manifests: the manifests set it`,
        name,
      );
    }
  }
  const defaultNamespace = flagValue<string>(args, 'namespace');
  const { docs, problems } = loadManifestFiles(files);
  // Kinds the proxy does not read (an Ingress, say) are skipped, as the operator ignores them.
  const notes: string[] = [];
  const real = problems.filter((p) => {
    if (p.path === 'kind' && p.message.startsWith('no schema for')) {
      notes.push(`skipped ${formatProblem(p)}`);
      return false;
    }
    return true;
  });
  if (real.length) throw new ManifestError(real);
  for (const d of docs) d.namespace ??= defaultNamespace;

  const servers = docs.filter((d) => d.kind === 'MCPServer');
  const wanted = args.positionals[0];
  let server: ManifestDoc | undefined;
  if (wanted) {
    server = servers.find((s) => s.name === wanted);
    if (!server) {
      throw new FlagError(
        `no MCPServer named "${wanted}" in ${files.join(', ')} (found: ${servers.map((s) => s.name).join(', ') || 'none'})`,
        'manifests',
      );
    }
  } else if (servers.length === 1) {
    server = servers[0];
  } else {
    throw new FlagError(
      servers.length === 0
        ? `no MCPServer in ${files.join(', ')}: the proxy runs one MCPServer`
        : `${servers.length} MCPServers in the manifests (${servers.map((s) => s.name).join(', ')}): name one, \`npm run proxy -- NAME --manifests …\``,
      'manifests',
    );
  }
  if (!server) throw new FlagError('no MCPServer', 'manifests');
  const ns = server.namespace;
  const sameNs = (kind: string) => docs.filter((d) => d.kind === kind && d.namespace === ns);
  const srv = server;
  /** The object a `spec.<field>.name` reference names, in the server's namespace; else an error there. */
  const referenced = (kind: string, field: string, name: string): ManifestDoc => {
    const found = sameNs(kind).find((d) => d.name === name);
    if (!found) {
      fail(
        srv,
        ['spec', field, 'name'],
        `${kind} "${name}" is not in the manifests (namespace ${ns})`,
      );
    }
    return found;
  };
  const secrets = sameNs('Secret');
  const spec = server.object.spec as Obj;
  const proxyPort = (spec.proxyPort as number | undefined) ?? 8080;
  const containerEnv: Record<string, string> = {};

  // cmd/thv-operator/pkg/oidc/resolver.go@v0.44.0: provider settings from MCPOIDCConfig, audience/scopes from the reference.
  let oidc: OidcOptions | undefined;
  let resourceUrl: string | undefined;
  const oidcRef = spec.oidcConfigRef as
    { name: string; audience: string; scopes?: string[]; resourceUrl?: string } | undefined;
  if (oidcRef) {
    const cfg = referenced('MCPOIDCConfig', 'oidcConfigRef', oidcRef.name);
    const cspec = cfg.object.spec as Obj;
    const src = (cspec.type === 'inline' ? cspec.inline : cspec.kubernetesServiceAccount) as Obj;
    const issuer =
      (src.issuer as string | undefined) ??
      (cspec.type === 'kubernetesServiceAccount' ? 'https://kubernetes.default.svc' : undefined);
    const secretRef = src.clientSecretRef as { name: string; key: string } | undefined;
    if (secretRef) {
      containerEnv[ENV_OIDC_CLIENT_SECRET] = secretValue(
        secrets,
        cfg,
        ['spec', 'inline', 'clientSecretRef'],
        secretRef,
      );
    }
    oidc = {
      issuer,
      audience: oidcRef.audience,
      jwksUrl: src.jwksUrl as string | undefined,
      introspectionUrl: src.introspectionUrl as string | undefined,
      clientId: src.clientId as string | undefined,
      clientSecret: containerEnv[ENV_OIDC_CLIENT_SECRET],
      scopes: oidcRef.scopes && oidcRef.scopes.length ? oidcRef.scopes : undefined,
      insecureAllowHttp: src.insecureAllowHTTP === true,
    };
    if (cspec.type === 'kubernetesServiceAccount') {
      notes.push(
        `MCPOIDCConfig/${cfg.name}: kubernetesServiceAccount runs with issuer ${issuer}; no cluster CA or SA token here`,
      );
    }
    // resolver.go createServiceURL@v0.44.0: the operator's default resource URL (not the proxy Service's host).
    resourceUrl =
      oidcRef.resourceUrl || `http://${server.name}.${ns}.svc.cluster.local:${proxyPort}`;
  }

  // MCPExternalAuthConfig of type tokenExchange (controllerutil/tokenexchange.go@v0.44.0).
  let tokenExchange: TokenExchangeOptions | undefined;
  const extRef = spec.externalAuthConfigRef as { name: string } | undefined;
  if (extRef) {
    const ext = referenced('MCPExternalAuthConfig', 'externalAuthConfigRef', extRef.name);
    const espec = ext.object.spec as Obj;
    const type = espec.type as string;
    if (type === 'tokenExchange') {
      const t = espec.tokenExchange as Obj;
      const ref = t.clientSecretRef as { name: string; key: string } | undefined;
      if (ref) {
        // addTokenExchangeConfig checks the Secret and key exist; GenerateTokenExchangeEnvVars sets the env var.
        containerEnv[ENV_TOKEN_EXCHANGE_CLIENT_SECRET] = secretValue(
          secrets,
          ext,
          ['spec', 'tokenExchange', 'clientSecretRef'],
          ref,
        );
      }
      let subjectTokenType;
      try {
        subjectTokenType = normalizeSubjectTokenType(
          (t.subjectTokenType as string | undefined) ?? '',
          'subjectTokenType',
        );
      } catch (e) {
        fail(ext, ['spec', 'tokenExchange', 'subjectTokenType'], (e as Error).message);
      }
      tokenExchange = {
        tokenUrl: t.tokenUrl as string,
        clientId: (t.clientId as string | undefined) || undefined,
        // The RunConfig leaves the secret out; the middleware reads the env var (pkg/oauthproto/tokenexchange/middleware.go@v0.44.0 EnvClientSecret).
        clientSecret: containerEnv[ENV_TOKEN_EXCHANGE_CLIENT_SECRET],
        audience: (t.audience as string | undefined) || undefined,
        scopes: (t.scopes as string[] | undefined) ?? [],
        subjectTokenType,
        headerName: (t.externalTokenHeaderName as string | undefined) || undefined,
      };
      if (t.subjectProviderName)
        notes.push(
          `MCPExternalAuthConfig/${ext.name}: subjectProviderName is ignored for MCPServer (vMCP only)`,
        );
    } else if (['unauthenticated', 'headerInjection', 'upstreamInject', 'xaa'].includes(type)) {
      notes.push(`MCPExternalAuthConfig/${ext.name}: type ${type} does nothing for an MCPServer`);
    } else {
      fail(
        ext,
        ['spec', 'type'],
        `type ${type} is not implemented by the reference proxy (only tokenExchange is)`,
      );
    }
  }

  // Everything else (--host, --compat, --clock-skew, …) comes from the flags.
  const fromFlags = optionsFromArgs({ positionals: [], values: args.values }, {});
  if (!fromFlags.targetUri) {
    throw new FlagError(
      `--target-uri is required with --manifests: it stands in for the container the operator would start from image ${String(spec.image)}`,
      'target-uri',
    );
  }
  return {
    options: {
      ...fromFlags,
      name: server.name,
      port: args.values.has('port') ? fromFlags.port : proxyPort,
      oidc,
      resourceUrl,
      tokenExchange,
    },
    containerEnv,
    notes,
  };
}

export function optionsFromManifests(files: string[], args: ParsedArgs): ProxyOptions {
  const plan = planFromManifests(files, args);
  for (const note of plan.notes) process.stderr.write(`token-exchange-proxy: ${note}\n`);
  return plan.options;
}
