// `kubectl get` and `kubectl describe` over the shim's store: kubectl's
// tables (the CRDs' printer columns, the core kinds' printers), -o
// yaml|json|name|wide and jsonpath=.
import { stringify } from 'yaml';
import type { ParsedArgs } from './kubectl-flags.mts';
import { selectorMatches } from './kubectl-selector.mts';
import { err } from './kubectl-apply.mts';
import {
  age,
  findType,
  objectsOf,
  resourceName,
  type K8sState,
  type Stored,
} from './kubectl-store.mts';
import type { ShimResult } from './server.mts';

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

const notFound = (s: Stored['type'], name: string): ShimResult => ({
  code: 1,
  stderr: `Error from server (NotFound): ${s.plural}${s.group ? `.${s.group}` : ''} "${name}" not found\n`,
});

/** jsonpath output: `{.a.b}` and plain text around it (kubectl's JSONPath template, the parts pages use). */
function jsonPathTemplate(template: string, value: unknown): string {
  return template.replace(/\{([^}]*)\}/g, (_, expr: string) => {
    let cur: unknown = value;
    for (const part of expr.replace(/^\./, '').split('.').filter(Boolean)) {
      const m = /^([^[]*)(?:\[(\d+)\])?$/.exec(part);
      if (m?.[1]) cur = (cur as Record<string, unknown> | undefined)?.[m[1]];
      if (m?.[2] !== undefined) cur = (cur as unknown[] | undefined)?.[Number(m[2])];
    }
    if (cur === undefined) return '';
    return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
  });
}

export function get(s: K8sState, p: ParsedArgs, ns: string): ShimResult {
  const [types = '', ...names] = p.positionals;
  if (!types)
    return err(
      'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
    );
  const out = p.output?.format;
  const all = p.flags.get('all-namespaces')?.[0] === 'true';
  const chunks: string[] = [];
  const items: Stored[] = [];
  const multi = types.includes(',') || types.includes('/');
  for (const t of types.split(',').filter(Boolean)) {
    const [tname = '', oname] = t.includes('/') ? t.split('/') : [t, undefined];
    const type = findType(tname);
    if (!type) return err(`the server doesn't have a resource type "${tname}"`);
    const wanted = oname ? [oname] : names;
    let found = objectsOf(s, type, all ? undefined : ns);
    const selector = p.selector;
    if (selector)
      found = found.filter((o) =>
        selectorMatches(selector, (o.obj.metadata['labels'] ?? {}) as Record<string, string>),
      );
    if (wanted.length > 0) {
      const byName = [];
      for (const n of wanted) {
        const o = found.find((x) => x.obj.metadata['name'] === n);
        if (!o) {
          if (p.flags.get('ignore-not-found')?.[0] === 'true') continue;
          return notFound(type, n);
        }
        byName.push(o);
      }
      found = byName;
    }
    items.push(...found);
    if (!out || out === 'wide') {
      if (found.length === 0) continue;
      const header = ['NAME', ...type.columns.map((c) => c.name), 'AGE'];
      const rows = found.map((o) => [
        multi
          ? `${resourceName(type)}/${String(o.obj.metadata['name'])}`
          : String(o.obj.metadata['name']),
        ...type.columns.map((c) => {
          const v = c.value(o.obj);
          return v === undefined ? '' : String(v);
        }),
        age(o.created),
      ]);
      chunks.push(table(p.flags.get('no-headers')?.[0] === 'true' ? rows : [header, ...rows]));
    }
  }
  const single =
    items.length === 1 && (names.length === 1 || (types.includes('/') && !types.includes(',')));
  const value = single
    ? items[0]?.obj
    : {
        apiVersion: 'v1',
        kind: 'List',
        items: items.map((i) => i.obj),
        metadata: { resourceVersion: '' },
      };
  switch (out) {
    case 'yaml':
      return { code: 0, stdout: stringify(value) };
    case 'json':
      return { code: 0, stdout: `${JSON.stringify(value, null, 4)}\n` };
    case 'name':
      return {
        code: 0,
        stdout: items
          .map((i) => `${resourceName(i.type)}/${String(i.obj.metadata['name'])}\n`)
          .join(''),
      };
    case 'jsonpath':
      return { code: 0, stdout: jsonPathTemplate(p.output?.arg ?? '', value) };
    case undefined:
    case 'wide':
      if (chunks.length === 0)
        return { code: 0, stderr: `No resources found in ${ns} namespace.\n` };
      return { code: 0, stdout: chunks.join('\n') };
    default:
      return err(
        `the doctest's kubectl prints -o yaml, json, name, wide and jsonpath=…; kubectl's "${out}" printer is not modelled`,
      );
  }
}

export function describe(s: K8sState, p: ParsedArgs, ns: string): ShimResult {
  const [t = '', name] = p.positionals;
  const [tname = '', oname] = t.includes('/') ? t.split('/') : [t, name];
  const type = findType(tname);
  if (!type) return err(`the server doesn't have a resource type "${tname}"`);
  const found = objectsOf(s, type, ns).filter((o) => !oname || o.obj.metadata['name'] === oname);
  if (found.length === 0) return notFound(type, oname ?? '');
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

export async function wait(s: K8sState, p: ParsedArgs, ns: string): Promise<ShimResult> {
  await s.reconciling;
  const f = p.flags.get('for')?.[0];
  if (f === undefined) return err('--for must be specified'); // wait.go: "--for must be set"
  const m = /^condition=([\w./-]+)(?:=(.+))?$/i.exec(f);
  if (!m) {
    if (/^(delete|create|jsonpath=)/.test(f))
      return err(
        `the doctest's kubectl waits for --for=condition=NAME[=VALUE]; --for=${f} is not modelled`,
      );
    return err(`unrecognized condition: "${f}"`);
  }
  const [t = '', name] = p.positionals;
  const [tname = '', oname] = t.includes('/') ? t.split('/') : [t, name];
  const type = findType(tname);
  if (!type) return err(`the server doesn't have a resource type "${tname}"`);
  const o = objectsOf(s, type, ns).find((x) => x.obj.metadata['name'] === oname);
  if (!o) return notFound(type, oname ?? '');
  const conds = (o.obj.status?.['conditions'] ?? []) as {
    type: string;
    status: string;
    message?: string;
  }[];
  const c = conds.find((x) => x.type.toLowerCase() === (m[1] as string).toLowerCase());
  if (c && c.status.toLowerCase() === (m[2] ?? 'true').toLowerCase())
    return { code: 0, stdout: `${resourceName(type)}/${String(oname)} condition met\n` };
  // the store does not change by waiting: what is not met now never will be
  const why = c
    ? `${c.type}=${c.status}: ${c.message ?? ''}`
    : `no ${m[1]} condition (conditions: ${conds.map((x) => x.type).join(', ') || 'none'})`;
  return {
    code: 1,
    stderr: `error: timed out waiting for the condition on ${type.plural}/${String(oname)} (${why})\n`,
  };
}
