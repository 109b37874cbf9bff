// kubectl's command line as kubectl parses it: per verb, the flags it has
// (kubectl's own flag sets: staging/src/k8s.io/kubectl/pkg/cmd/<verb>/<verb>.go
// at v1.35), each with its pflag type, so that a value kubectl refuses is
// refused here with kubectl's message: a duration without a unit, an integer
// that is not one, an output format no printer has, a label selector that
// labels.Parse rejects. One table; every verb of the shim reads it.
import { parseSelector, SelectorError, type Requirement } from './kubectl-selector.mts';
import { parseGoDuration as goDuration } from '../../lib/go-duration.mts';

export type FlagType = 'bool' | 'string' | 'strings' | 'int' | 'duration' | 'selector' | 'output';

interface FlagSpec {
  type: FlagType;
  short?: string;
}

const common: Record<string, FlagSpec> = {
  namespace: { type: 'string', short: 'n' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  'request-timeout': { type: 'string' },
};
const files: Record<string, FlagSpec> = {
  filename: { type: 'strings', short: 'f' },
  recursive: { type: 'bool', short: 'R' },
  kustomize: { type: 'string', short: 'k' },
};

export const VERB_FLAGS: Record<string, Record<string, FlagSpec>> = {
  apply: {
    ...common,
    ...files,
    output: { type: 'output', short: 'o' },
    'dry-run': { type: 'string' },
    'server-side': { type: 'bool' },
    'force-conflicts': { type: 'bool' },
    'field-manager': { type: 'string' },
    validate: { type: 'string' },
    wait: { type: 'bool' },
    selector: { type: 'selector', short: 'l' },
  },
  create: {
    ...common,
    ...files,
    output: { type: 'output', short: 'o' },
    'dry-run': { type: 'string' },
    validate: { type: 'string' },
  },
  get: {
    ...common,
    filename: files.filename as FlagSpec,
    output: { type: 'output', short: 'o' },
    selector: { type: 'selector', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'show-labels': { type: 'bool' },
    'no-headers': { type: 'bool' },
    'ignore-not-found': { type: 'bool' },
    watch: { type: 'bool', short: 'w' },
    'field-selector': { type: 'string' },
    'sort-by': { type: 'string' },
  },
  describe: {
    ...common,
    filename: files.filename as FlagSpec,
    selector: { type: 'selector', short: 'l' },
    'all-namespaces': { type: 'bool', short: 'A' },
    'show-events': { type: 'bool' },
  },
  wait: {
    ...common,
    filename: files.filename as FlagSpec,
    for: { type: 'string' },
    timeout: { type: 'duration' },
    selector: { type: 'selector', short: 'l' },
    all: { type: 'bool' },
    'all-namespaces': { type: 'bool', short: 'A' },
  },
  logs: {
    ...common,
    selector: { type: 'selector', short: 'l' },
    container: { type: 'string', short: 'c' },
    tail: { type: 'int' },
    follow: { type: 'bool', short: 'f' },
    since: { type: 'duration' },
    'since-time': { type: 'string' },
    timestamps: { type: 'bool' },
    prefix: { type: 'bool' },
    'all-containers': { type: 'bool' },
    'all-pods': { type: 'bool' },
    previous: { type: 'bool', short: 'p' },
    'max-log-requests': { type: 'int' },
    'pod-running-timeout': { type: 'duration' },
  },
  delete: {
    ...common,
    ...files,
    selector: { type: 'selector', short: 'l' },
    'ignore-not-found': { type: 'bool' },
    wait: { type: 'bool' },
    all: { type: 'bool' },
    'grace-period': { type: 'int' },
    force: { type: 'bool' },
    now: { type: 'bool' },
    timeout: { type: 'duration' },
  },
  'port-forward': {
    ...common,
    address: { type: 'strings' },
    'pod-running-timeout': { type: 'duration' },
  },
};

/** The output formats kubectl's printers accept (get.go PrintFlags.AllowedFormats). */
export const OUTPUT_FORMATS = [
  'custom-columns',
  'custom-columns-file',
  'go-template',
  'go-template-file',
  'json',
  'jsonpath',
  'jsonpath-as-json',
  'jsonpath-file',
  'name',
  'template',
  'templatefile',
  'wide',
  'yaml',
];
/** apply/create print objects, not tables: no `wide`, no custom columns. */
const OUTPUT_FORMATS_OBJECT = OUTPUT_FORMATS.filter(
  (f) => f !== 'wide' && !f.startsWith('custom-columns'),
);

export class FlagError extends Error {}

/** Go's time.ParseDuration (scripts/lib/go-duration.mts), failing as a flag error. */
export function parseGoDuration(text: string): number {
  try {
    return goDuration(text);
  } catch (e) {
    throw new FlagError((e as Error).message);
  }
}

export interface ParsedArgs {
  positionals: string[];
  /** Values by long name; booleans as 'true'/'false'. */
  flags: Map<string, string[]>;
  selector?: Requirement[];
  /** `-o`: the format, and for jsonpath=/custom-columns= the text after '='. */
  output?: { format: string; arg?: string };
  /** Milliseconds, for duration flags. */
  durations: Map<string, number>;
}

const flagLabel = (name: string, spec: FlagSpec) =>
  spec.short ? `-${spec.short}, --${name}` : `--${name}`;

/** Parses `args` (after the verb) with the verb's flags; throws FlagError with kubectl's message. */
export function parseArgs(verb: string, args: string[]): ParsedArgs {
  const table = VERB_FLAGS[verb] ?? common;
  const byShort = new Map(
    Object.entries(table)
      .filter(([, s]) => s.short)
      .map(([n, s]) => [s.short as string, n]),
  );
  const out: ParsedArgs = { positionals: [], flags: new Map(), durations: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      value = eq < 0 ? undefined : a.slice(eq + 1);
      if (!table[name]) throw new FlagError(`unknown flag: --${name}`);
    } else {
      const short = a[1] as string;
      const long = byShort.get(short);
      if (!long) throw new FlagError(`unknown shorthand flag: '${short}' in ${a}`);
      name = long;
      const rest = a.slice(2);
      value = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    }
    const spec = table[name] as FlagSpec;
    if (spec.type === 'bool') {
      if (
        value !== undefined &&
        !['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(value)
      )
        throw new FlagError(
          `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flagLabel(name, spec))} flag: strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`,
        );
      out.flags.set(name, [/^(true|1|t)$/i.test(value ?? 'true') ? 'true' : 'false']);
      continue;
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined)
        throw new FlagError(
          a.startsWith('--')
            ? `flag needs an argument: --${name}`
            : `flag needs an argument: '${spec.short}' in -${spec.short}`,
        );
    }
    const invalid = (why: string) =>
      new FlagError(
        `invalid argument ${JSON.stringify(value)} for ${JSON.stringify(flagLabel(name, spec))} flag: ${why}`,
      );
    switch (spec.type) {
      case 'int':
        if (!/^[-+]?\d+$/.test(value))
          throw invalid(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
        break;
      case 'duration':
        try {
          out.durations.set(name, parseGoDuration(value));
        } catch (e) {
          if (e instanceof FlagError) throw invalid(e.message);
          throw e;
        }
        break;
      case 'selector':
        try {
          out.selector = parseSelector(value);
        } catch (e) {
          if (e instanceof SelectorError) throw new FlagError(e.message);
          throw e;
        }
        break;
      case 'output': {
        const eq = value.indexOf('=');
        const format = eq < 0 ? value : value.slice(0, eq);
        const allowed = verb === 'get' ? OUTPUT_FORMATS : OUTPUT_FORMATS_OBJECT;
        if (!allowed.includes(format))
          throw new FlagError(
            `unable to match a printer suitable for the output format ${JSON.stringify(value)}, allowed formats are: ${allowed.join(',')}`,
          );
        out.output = { format, ...(eq < 0 ? {} : { arg: value.slice(eq + 1) }) };
        break;
      }
    }
    const values = spec.type === 'strings' ? value.split(',') : [value];
    out.flags.set(name, [
      ...(spec.type === 'strings' ? (out.flags.get(name) ?? []) : []),
      ...values,
    ]);
  }
  return out;
}
