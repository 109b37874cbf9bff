// `kubectl` on a page's PATH: a manifest store for the verbs the guides use
// (apply -f, get, describe, logs, wait, delete, port-forward). apply
// validates strictly with the shared CRD validator (as kubectl's default
// --validate=strict against the API server); a reconciler starts the
// reference proxy in --manifests mode from MCPServer + MCPOIDCConfig +
// MCPExternalAuthConfig + Secret, as the ToolHive operator would; get prints
// the CRDs' real printer columns; logs selects pods by the operator's real
// labels (toolhive-facts c.6), so a selector that would match nothing in a
// cluster matches nothing here — and, stricter than kubectl, fails.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { DEFINITIONS, type CrdDefinition } from '../../lib/crds/index.mts';
import { parseManifestText, validateManifest } from '../../lib/k8s-validate.mts';
import type { PageContext } from '../context.mts';
import { pageServices } from '../services.mts';
import { readInput, type ShimRequest, type ShimResult } from './server.mts';
import { startWorkload, type Workload } from './workloads.mts';

interface Stored {
  def: CrdDefinition;
  obj: Record<string, unknown> & {
    metadata: Record<string, unknown>;
    status?: Record<string, unknown>;
  };
  created: Date;
}

interface K8sState {
  objects: Map<string, Stored>;
  workloads: Map<string, Workload>;
  reconciling: Promise<void>;
  forwards: (() => void)[];
}

const keyOf = (kind: string, ns: string, name: string) => `${kind}/${ns}/${name}`;
const err = (msg: string, code = 1): ShimResult => ({ code, stderr: `error: ${msg}\n` });
const resourceName = (d: CrdDefinition) =>
  d.group ? `${d.plural.replace(/s$/, '')}.${d.group}` : d.singular;

function state(ctx: PageContext): K8sState {
  let s = ctx.services['k8s'] as K8sState | undefined;
  if (!s) {
    s = { objects: new Map(), workloads: new Map(), reconciling: Promise.resolve(), forwards: [] };
    ctx.services['k8s'] = s;
    const st = s;
    ctx.cleanups.push(async () => {
      for (const f of st.forwards) f();
      for (const w of st.workloads.values()) await w.stop();
    });
  }
  return s;
}

function findType(word: string): CrdDefinition | undefined {
  const w = word.toLowerCase().split('.')[0] as string;
  return DEFINITIONS.find((d) =>
    [d.plural, d.singular, d.kind.toLowerCase(), ...d.shortNames].includes(w),
  );
}

interface Parsed {
  positionals: string[];
  flags: Map<string, string[]>;
}

const VALUE_FLAGS = new Set([
  'f',
  'filename',
  'n',
  'namespace',
  'o',
  'output',
  'l',
  'selector',
  'c',
  'container',
  'tail',
  'for',
  'timeout',
  'since',
]);
const BOOL_FLAGS = new Set([
  'A',
  'all-namespaces',
  'follow',
  'F',
  'all-containers',
  'prefixed',
  'timestamps',
  'wait',
  'ignore-not-found',
  'previous',
  'p',
]);

function parse(args: string[]): Parsed | string {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    const name = m?.[1] ?? '';
    let value = m?.[2];
    if (!VALUE_FLAGS.has(name) && !BOOL_FLAGS.has(name)) return `unknown flag: ${a}`;
    if (VALUE_FLAGS.has(name) && value === undefined) value = args[++i];
    if (VALUE_FLAGS.has(name) && value === undefined) return `flag needs an argument: ${a}`;
    const long =
      {
        f: 'filename',
        n: 'namespace',
        o: 'output',
        l: 'selector',
        c: 'container',
        A: 'all-namespaces',
        F: 'follow',
        p: 'previous',
      }[name] ?? name;
    flags.set(long, [...(flags.get(long) ?? []), value ?? 'true']);
  }
  return { positionals, flags };
}

export function kubectlShim(ctx: PageContext) {
  return async (req: ShimRequest): Promise<ShimResult> => {
    const [verb, ...rest] = req.args;
    const p = parse(rest);
    if (typeof p === 'string') return err(p);
    const ns = p.flags.get('namespace')?.[0] ?? 'default';
    const s = state(ctx);
    switch (verb) {
      case 'apply':
      case 'create':
        return apply(ctx, s, p, ns, req);
      case 'get':
        await s.reconciling;
        return get(s, p, ns);
      case 'describe':
        await s.reconciling;
        return describe(s, p, ns);
      case 'wait':
        return wait(s, p, ns);
      case 'logs':
        await s.reconciling;
        return logs(s, p, ns);
      case 'delete':
        return del(ctx, s, p, ns, req);
      case 'port-forward':
        return portForward(ctx, s, p, ns);
      default:
        return err(
          `the doctest kubectl shim does not implement "kubectl ${verb ?? ''}" (it has apply, get, describe, logs, wait, delete, port-forward)`,
        );
    }
  };
}

async function docsOf(p: Parsed, req: ShimRequest) {
  const files = p.flags.get('filename') ?? [];
  if (files.length === 0) return { error: 'must specify one of -f and -k' };
  const all: ReturnType<typeof parseManifestText>['docs'] = [];
  const problems: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readInput(f, req);
    } catch {
      return { error: `the path "${f}" does not exist` };
    }
    const r = parseManifestText(text, f);
    for (const pr of r.problems) problems.push(`error: error parsing ${f}: ${pr.message}`);
    for (const d of r.docs) {
      const issues = validateManifest(d);
      if (issues.length > 0) {
        problems.push(
          `Error from server (BadRequest): error when creating "${f}": ${d.kind} "${d.name}" is invalid: ${issues
            .map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`)
            .join(', ')}`,
        );
      }
      all.push(d);
    }
  }
  return { docs: all, problems };
}

async function apply(
  ctx: PageContext,
  s: K8sState,
  p: Parsed,
  ns: string,
  req: ShimRequest,
): Promise<ShimResult> {
  const r = await docsOf(p, req);
  if ('error' in r) return err(r.error as string);
  const out: string[] = [];
  for (const d of r.docs) {
    const def = DEFINITIONS.find((x) => x.kind === d.kind);
    if (!def || r.problems.some((x) => x.includes(`${d.kind} "${d.name}"`))) continue;
    const namespace = d.namespace ?? ns;
    const key = keyOf(d.kind, namespace, d.name);
    const prev = s.objects.get(key);
    const obj = structuredClone(d.object) as Stored['obj'];
    obj.metadata = { ...obj.metadata, namespace };
    const same =
      prev &&
      JSON.stringify(prev.obj.spec ?? prev.obj['stringData'] ?? prev.obj['data']) ===
        JSON.stringify(obj['spec'] ?? obj['stringData'] ?? obj['data']);
    if (prev) obj.status = prev.obj.status;
    s.objects.set(key, { def, obj, created: prev?.created ?? new Date() });
    out.push(
      `${resourceName(def)}/${d.name} ${prev ? (same ? 'unchanged' : 'configured') : 'created'}`,
    );
    if (prev && !same && d.kind === 'MCPServer') await stopServer(s, d.name);
  }
  s.reconciling = s.reconciling.then(() => reconcile(ctx, s));
  return {
    code: r.problems.length ? 1 : 0,
    stdout: out.map((l) => `${l}\n`).join(''),
    stderr: r.problems.map((l) => `${l}\n`).join(''),
  };
}

async function stopServer(s: K8sState, name: string) {
  const w = s.workloads.get(name);
  if (w) {
    await w.stop();
    s.workloads.delete(name);
  }
}

function cond(type: string, ok: boolean, reason: string, message: string) {
  return {
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastTransitionTime: new Date().toISOString(),
  };
}

/** What the operator would make of the store: statuses, and a proxy per ready MCPServer. */
async function reconcile(ctx: PageContext, s: K8sState): Promise<void> {
  for (const st of s.objects.values()) {
    if (st.def.kind === 'MCPExternalAuthConfig')
      st.obj.status = {
        conditions: [cond('Valid', true, 'ValidationSucceeded', 'spec is valid')],
        observedGeneration: 1,
      };
    if (st.def.kind === 'MCPOIDCConfig')
      st.obj.status = {
        conditions: [cond('Valid', true, 'ConfigValid', 'spec is valid')],
        observedGeneration: 1,
      };
  }
  for (const st of s.objects.values()) {
    if (st.def.kind !== 'MCPServer') continue;
    const name = st.obj.metadata['name'] as string;
    const ns = st.obj.metadata['namespace'] as string;
    const spec = (st.obj['spec'] ?? {}) as Record<string, unknown>;
    const fail = (reason: string, message: string, phase = 'Failed') => {
      st.obj.status = {
        phase,
        message,
        conditions: [cond('Ready', false, reason, message)],
        readyReplicas: 0,
      };
    };
    if (s.workloads.get(name)?.status === 'running') continue;
    const refs: Stored[] = [st];
    const oidcRef = (spec['oidcConfigRef'] as { name?: string } | undefined)?.name;
    const extRef = (spec['externalAuthConfigRef'] as { name?: string } | undefined)?.name;
    const oidc = oidcRef ? s.objects.get(keyOf('MCPOIDCConfig', ns, oidcRef)) : undefined;
    const ext = extRef ? s.objects.get(keyOf('MCPExternalAuthConfig', ns, extRef)) : undefined;
    if (oidcRef && !oidc) {
      fail(
        'OIDCConfigNotFound',
        `MCPOIDCConfig ${oidcRef} not found in namespace ${ns}`,
        'Pending',
      );
      continue;
    }
    if (extRef && !ext) {
      fail(
        'ExternalAuthConfigNotFound',
        `MCPExternalAuthConfig ${extRef} not found in namespace ${ns}`,
        'Pending',
      );
      continue;
    }
    if (oidc) refs.push(oidc);
    let tokenHeader: string | undefined;
    if (ext) {
      refs.push(ext);
      const te = ((ext.obj['spec'] as Record<string, unknown>)['tokenExchange'] ?? {}) as Record<
        string,
        unknown
      >;
      tokenHeader = te['externalTokenHeaderName'] as string | undefined;
      const sref = te['clientSecretRef'] as { name: string; key: string } | undefined;
      if (sref) {
        const secret = s.objects.get(keyOf('Secret', ns, sref.name));
        const data = {
          ...((secret?.obj['data'] ?? {}) as object),
          ...((secret?.obj['stringData'] ?? {}) as object),
        };
        if (!secret) {
          fail(
            'SecretNotFound',
            `failed to create RunConfig: secret ${sref.name} not found in namespace ${ns}`,
          );
          continue;
        }
        if (!(sref.key in data)) {
          fail(
            'SecretKeyNotFound',
            `failed to create RunConfig: secret ${sref.name} has no key ${sref.key}`,
          );
          continue;
        }
        refs.push(secret);
      }
    }
    const image = String(spec['image'] ?? '');
    if (!ctx.plan.images[image]) {
      fail(
        'ImagePullBackOff',
        `image ${image} is not mapped to the example MCP server in the page's plan`,
      );
      continue;
    }
    const file = path.join(ctx.workspace, '.doctest', `k8s-${name}.yaml`);
    await writeFile(
      file,
      refs.map((r) => stringify({ ...r.obj, status: undefined })).join('---\n'),
    );
    const proxyPort = Number(spec['proxyPort'] ?? 8080);
    try {
      const w = await startWorkload(ctx, {
        name,
        image,
        port: proxyPort,
        transport: String(spec['transport'] ?? 'stdio'),
        proxyArgs: [
          '--manifests',
          file,
          ...(ctx.plan.mode === 'toolhive' ? ['--compat', 'toolhive'] : []),
        ],
        expose: false,
        ...(tokenHeader ? { tokenHeader } : {}),
      });
      s.workloads.set(name, w);
      st.obj.status = {
        phase: 'Ready',
        url: `http://mcp-${name}-proxy.${ns}.svc.cluster.local:${proxyPort}/mcp`,
        readyReplicas: 1,
        conditions: [cond('Ready', true, 'DeploymentReady', 'the proxy deployment is ready')],
        observedGeneration: 1,
      };
    } catch (e) {
      fail(
        'DeploymentFailed',
        `proxy container toolhive is in CrashLoopBackOff: ${(e as Error).message}`,
      );
    }
  }
}

function jsonPath(obj: unknown, p: string): unknown {
  // .a.b, .a[?(@.type=="Ready")].status
  let cur: unknown = obj;
  for (const part of p.replace(/^\./, '').match(/[^.[\]]+|\[\?\(@\.\w+=="[^"]*"\)\]/g) ?? []) {
    const filter = /^\[\?\(@\.(\w+)=="([^"]*)"\)\]$/.exec(part);
    if (filter)
      cur = (cur as Record<string, unknown>[] | undefined)?.find(
        (x) => x[filter[1] as string] === filter[2],
      );
    else cur = (cur as Record<string, unknown> | undefined)?.[part];
  }
  return cur;
}

function age(d: Date): string {
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd((widths[i] as number) + 3))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function get(s: K8sState, p: Parsed, ns: string): ShimResult {
  const [types = '', name] = p.positionals;
  const out = p.flags.get('output')?.[0];
  const chunks: string[] = [];
  const items: Stored[] = [];
  const multi = types.includes(',');
  for (const t of types.split(',').filter(Boolean)) {
    const [tname, oname] = t.includes('/') ? t.split('/') : [t, name];
    const def = findType(tname as string);
    if (!def) return err(`the server doesn't have a resource type "${tname}"`);
    const found = [...s.objects.values()].filter(
      (o) =>
        o.def === def &&
        (p.flags.has('all-namespaces') || o.obj.metadata['namespace'] === ns) &&
        (!oname || o.obj.metadata['name'] === oname),
    );
    if (oname && found.length === 0)
      return {
        code: 1,
        stderr:
          `Error from server (NotFound): ${def.plural}.${def.group || ''} "${oname}" not found\n`.replace(
            '. "',
            ' "',
          ),
      };
    items.push(...found);
    if (!out || out === 'wide') {
      if (found.length === 0) continue;
      const cols = def.additionalPrinterColumns.filter((c) => c.name !== 'Age');
      const header = ['NAME', ...cols.map((c) => c.name.toUpperCase()), 'AGE'];
      const rows = found.map((o) => [
        multi
          ? `${resourceName(def)}/${String(o.obj.metadata['name'])}`
          : String(o.obj.metadata['name']),
        ...cols.map((c) => {
          const v = jsonPath(o.obj, c.jsonPath);
          return v === undefined ? '' : String(v);
        }),
        age(o.created),
      ]);
      chunks.push(table([header, ...rows]));
    }
  }
  if (out === 'yaml' || out === 'json') {
    const objs = items.map((i) => i.obj);
    const value =
      objs.length === 1 && (name || types.includes('/'))
        ? objs[0]
        : { apiVersion: 'v1', kind: 'List', items: objs };
    return {
      code: 0,
      stdout: out === 'json' ? `${JSON.stringify(value, null, 4)}\n` : stringify(value),
    };
  }
  if (out === 'name')
    return {
      code: 0,
      stdout: items
        .map((i) => `${resourceName(i.def)}/${String(i.obj.metadata['name'])}\n`)
        .join(''),
    };
  if (out && out !== 'wide')
    return err(
      `unable to match a printer suitable for the output format "${out}" (the shim has yaml, json, wide, name)`,
    );
  if (chunks.length === 0) return { code: 0, stderr: `No resources found in ${ns} namespace.\n` };
  return { code: 0, stdout: chunks.join('\n') };
}

function describe(s: K8sState, p: Parsed, ns: string): ShimResult {
  const [t = '', name] = p.positionals;
  const [tname, oname] = t.includes('/') ? t.split('/') : [t, name];
  const def = findType(tname as string);
  if (!def) return err(`the server doesn't have a resource type "${tname}"`);
  const found = [...s.objects.values()].filter(
    (o) =>
      o.def === def &&
      o.obj.metadata['namespace'] === ns &&
      (!oname || o.obj.metadata['name'] === oname),
  );
  if (found.length === 0)
    return {
      code: 1,
      stderr: `Error from server (NotFound): ${def.plural} "${oname ?? ''}" not found\n`,
    };
  const indent = (o: unknown) =>
    stringify(o)
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
  return {
    code: 0,
    stdout:
      found
        .map((o) => {
          const { metadata, status, apiVersion, kind, ...rest } = o.obj;
          return [
            `Name:         ${String(metadata['name'])}`,
            `Namespace:    ${String(metadata['namespace'])}`,
            `Labels:       <none>`,
            `API Version:  ${String(apiVersion)}`,
            `Kind:         ${String(kind)}`,
            ...Object.entries(rest).map(
              ([k, v]) => `${k[0]?.toUpperCase()}${k.slice(1)}:\n${indent(v)}`,
            ),
            ...(status ? [`Status:\n${indent(status)}`] : []),
            'Events:       <none>',
          ].join('\n');
        })
        .join('\n\n') + '\n',
  };
}

async function wait(s: K8sState, p: Parsed, ns: string): Promise<ShimResult> {
  await s.reconciling;
  const f = p.flags.get('for')?.[0] ?? '';
  const m = /^condition=([\w.-]+)(?:=(\w+))?$/i.exec(f);
  if (!m) return err(`the shim's wait supports --for=condition=NAME[=VALUE]; got --for=${f}`);
  const [t = '', name] = p.positionals;
  const [tname, oname] = t.includes('/') ? t.split('/') : [t, name];
  const def = findType(tname as string);
  if (!def) return err(`the server doesn't have a resource type "${tname}"`);
  const o = [...s.objects.values()].find(
    (x) => x.def === def && x.obj.metadata['namespace'] === ns && x.obj.metadata['name'] === oname,
  );
  if (!o)
    return {
      code: 1,
      stderr: `Error from server (NotFound): ${def.plural}.${def.group} "${oname ?? ''}" not found\n`,
    };
  const conds = (o.obj.status?.['conditions'] ?? []) as {
    type: string;
    status: string;
    message?: string;
  }[];
  const c = conds.find((x) => x.type.toLowerCase() === (m[1] as string).toLowerCase());
  if (c && c.status.toLowerCase() === (m[2] ?? 'true').toLowerCase())
    return { code: 0, stdout: `${resourceName(def)}/${String(oname)} condition met\n` };
  // the store does not change by waiting: what is not met now never will be
  const why = c
    ? `${c.type}=${c.status}: ${c.message ?? ''}`
    : `no ${m[1]} condition (conditions: ${conds.map((x) => x.type).join(', ') || 'none'})`;
  return {
    code: 1,
    stderr: `error: timed out waiting for the condition on ${def.plural}/${String(oname)} (${why})\n`,
  };
}

interface Pod {
  name: string;
  labels: Record<string, string>;
  containers: Record<string, () => string>;
}

function pods(s: K8sState, ns: string): Pod[] {
  const out: Pod[] = [];
  for (const o of s.objects.values()) {
    if (o.def.kind !== 'MCPServer' || o.obj.metadata['namespace'] !== ns) continue;
    const name = String(o.obj.metadata['name']);
    const w = s.workloads.get(name);
    if (!w) continue;
    // toolhive-facts c.6: the proxy Deployment's pods, container "toolhive"
    out.push({
      name: `${name}-7d9f8b6c5d-x2k4q`,
      labels: {
        app: 'mcpserver',
        'app.kubernetes.io/name': 'mcpserver',
        'app.kubernetes.io/instance': name,
        toolhive: 'true',
        'toolhive-name': name,
      },
      containers: { toolhive: () => w.logs.join('') },
    });
    // the MCP server StatefulSet's pod, container "mcp"
    out.push({
      name: `${name}-0`,
      labels: { app: name, toolhive: 'true', 'toolhive-name': name },
      containers: { mcp: () => '' },
    });
  }
  return out;
}

export function selectorMatches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const t = term.trim();
    let m;
    if ((m = /^([\w./-]+)\s*!=\s*(.*)$/.exec(t))) return labels[m[1] as string] !== m[2];
    if ((m = /^([\w./-]+)\s*==?\s*(.*)$/.exec(t))) return labels[m[1] as string] === m[2];
    if ((m = /^!([\w./-]+)$/.exec(t))) return !((m[1] as string) in labels);
    return t in labels;
  });
}

function logs(s: K8sState, p: Parsed, ns: string): ShimResult {
  const selector = p.flags.get('selector')?.[0];
  const container = p.flags.get('container')?.[0];
  const tail = Number(p.flags.get('tail')?.[0] ?? -1);
  const all = pods(s, ns);
  let chosen: Pod[];
  if (selector) {
    chosen = all.filter((x) => selectorMatches(selector, x.labels));
    if (chosen.length === 0) {
      return {
        code: 1,
        stderr: `No resources found in ${ns} namespace.\n(doctest: the selector ${selector} matches no pod; real kubectl exits 0 here, the doctest fails. Proxy pods carry app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=<name>, container toolhive.)\n`,
      };
    }
  } else {
    const target = p.positionals[0] ?? '';
    const dep = /^(?:deployment|deploy|deployments)\/(.+)$/.exec(target);
    chosen = all.filter((x) =>
      dep ? x.labels['app.kubernetes.io/instance'] === dep[1] : x.name === target,
    );
    if (chosen.length === 0)
      return { code: 1, stderr: `Error from server (NotFound): pods "${target}" not found\n` };
  }
  const out: string[] = [];
  for (const pod of chosen) {
    const names = Object.keys(pod.containers);
    const c = container ?? (names.length === 1 ? names[0] : undefined);
    if (!c || !pod.containers[c]) {
      return err(
        `container ${container ?? '(none given)'} is not valid for pod ${pod.name}${names.length ? `; choose one of: [${names.join(' ')}]` : ''}`,
      );
    }
    let lines = (pod.containers[c] as () => string)().replace(/\n$/, '').split('\n');
    if (tail >= 0) lines = lines.slice(-tail);
    out.push(lines.join('\n'));
  }
  return { code: 0, stdout: `${out.join('\n')}\n` };
}

async function del(
  ctx: PageContext,
  s: K8sState,
  p: Parsed,
  ns: string,
  req: ShimRequest,
): Promise<ShimResult> {
  const out: string[] = [];
  const remove = async (def: CrdDefinition, name: string) => {
    const key = keyOf(def.kind, ns, name);
    if (!s.objects.delete(key))
      return `Error from server (NotFound): ${def.plural} "${name}" not found`;
    if (def.kind === 'MCPServer') await stopServer(s, name);
    out.push(`${resourceName(def)} "${name}" deleted`);
    return undefined;
  };
  const errors: string[] = [];
  if (p.flags.has('filename')) {
    const r = await docsOf(p, req);
    if ('error' in r) return err(r.error as string);
    for (const d of r.docs) {
      const def = DEFINITIONS.find((x) => x.kind === d.kind);
      if (def) {
        const e = await remove(def, d.name);
        if (e) errors.push(e);
      }
    }
  } else {
    const [t = '', ...names] = p.positionals;
    const def = findType(t.split('/')[0] as string);
    if (!def) return err(`the server doesn't have a resource type "${t}"`);
    for (const n of t.includes('/') ? [t.split('/')[1] as string] : names) {
      const e = await remove(def, n);
      if (e) errors.push(e);
    }
  }
  void ctx;
  return {
    code: errors.length ? 1 : 0,
    stdout: out.map((l) => `${l}\n`).join(''),
    stderr: errors.map((l) => `${l}\n`).join(''),
  };
}

async function portForward(
  ctx: PageContext,
  s: K8sState,
  p: Parsed,
  ns: string,
): Promise<ShimResult> {
  await s.reconciling;
  const [target = '', ports = ''] = p.positionals;
  const m = /^(?:service|svc)\/mcp-(.+)-proxy$/.exec(target);
  if (!m)
    return err(
      `the shim port-forwards to service/mcp-<name>-proxy (the operator's proxy Service); got ${target}`,
    );
  const name = m[1] as string;
  const o = s.objects.get(keyOf('MCPServer', ns, name));
  const w = s.workloads.get(name);
  if (!o)
    return {
      code: 1,
      stderr: `Error from server (NotFound): services "${target.split('/')[1]}" not found\n`,
    };
  if (!w)
    return err(
      `unable to forward port because pod is not running. Current status=${String(o.obj.status?.['phase'] ?? 'Pending')}`,
    );
  const [local = '', remote = local] = ports.split(':');
  const proxyPort = Number(((o.obj['spec'] ?? {}) as Record<string, unknown>)['proxyPort'] ?? 8080);
  if (Number(remote) !== proxyPort)
    return err(`Service mcp-${name}-proxy does not have a service port ${remote}`);
  const svc = await pageServices(ctx);
  svc.hostProxy.mapLocal(`localhost:${local}`, w.realPort, 'proxy');
  svc.hostProxy.mapLocal(`127.0.0.1:${local}`, w.realPort, 'proxy');
  // like kubectl: stays in the foreground until stopped
  await new Promise<void>((resolve) => s.forwards.push(resolve));
  return {
    code: 0,
    stdout: `Forwarding from 127.0.0.1:${local} -> ${remote}\nForwarding from [::1]:${local} -> ${remote}\n`,
  };
}
