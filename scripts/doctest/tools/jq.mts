// `jq` for pages run where no system jq is installed (a plain Node build
// container such as Vercel's has none): the real jq, compiled to WebAssembly
// (npm package jq-web, jq 1.7), behind jq's own command line. The preflight
// (preflight.mts) puts it on the page's PATH only when `jq` is missing.
//
// jq-web runs jq's main() over an in-memory file system, so this wrapper reads
// the inputs (files named on the command line, else stdin) and passes them in.
// What it cannot do faithfully is refused with a message, never approximated:
// options that read files inside jq (-f, --slurpfile, --rawfile, -L), --args
// and --jsonargs (jq-web appends its input file after them), -j (jq-web drops
// a trailing newline, so -j's output could not be restored exactly) and -e
// (jq-web keeps no output when jq exits non-zero).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface JqWeb {
  raw(input: string, filter: string, flags: string[]): string | undefined;
}
// CommonJS, no types; it finds jq.wasm beside its own file
const jqWeb = createRequire(import.meta.url)('jq-web') as Promise<JqWeb>;

const REFUSED = new Set([
  '-f',
  '--from-file',
  '--slurpfile',
  '--rawfile',
  '-L',
  '--args',
  '--jsonargs',
  '-j',
  '--join-output',
  '-e',
  '--exit-status',
]);
/** Options followed by that many arguments. */
const WITH_ARGS: Record<string, number> = { '--arg': 2, '--argjson': 2, '--indent': 1 };
const SHORT_BOOL = new Set('nrcRsSaCM'.split(''));

export class JqUsageError extends Error {}

export interface JqCall {
  flags: string[];
  filter: string;
  files: string[];
}

/** jq's command line: options (anywhere), then the filter, then input files. */
export function parseJqArgs(argv: string[]): JqCall {
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    const short = /^-[a-zA-Z]{2,}$/.test(a) ? a.slice(1).split('') : undefined;
    for (const f of short ? short.map((c) => `-${c}`) : [a]) {
      if (REFUSED.has(f))
        throw new JqUsageError(
          `${f} is not supported by the doctest's npm build of jq (jq-web); install jq (https://jqlang.org/download/) to run this sample`,
        );
      if (short && !SHORT_BOOL.has(f.slice(1)))
        throw new JqUsageError(`unknown or unsupported option in ${a}: ${f}`);
    }
    if (short) {
      flags.push(...short.map((c) => `-${c}`));
      continue;
    }
    const n = WITH_ARGS[a] ?? 0;
    if (i + n >= argv.length) throw new JqUsageError(`${a} takes ${n} argument(s)`);
    flags.push(a, ...argv.slice(i + 1, i + 1 + n));
    i += n;
  }
  const [filter, ...files] = positionals;
  if (filter === undefined)
    throw new JqUsageError('no filter given (usage: jq [OPTIONS] FILTER [FILES…])');
  return { flags, filter, files };
}

export async function runJq(
  argv: string[],
  readStdin: () => string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let call: JqCall;
  try {
    call = parseJqArgs(argv);
  } catch (err) {
    return { code: 2, stdout: '', stderr: `jq: error: ${(err as Error).message}\n` };
  }
  const nullInput = call.flags.includes('-n') || call.flags.includes('--null-input');
  let input = '';
  if (!nullInput) {
    try {
      input =
        call.files.length > 0
          ? call.files.map((f) => (f === '-' ? readStdin() : readFileSync(f, 'utf8'))).join('\n')
          : readStdin();
    } catch (err) {
      return {
        code: 2,
        stdout: '',
        stderr: `jq: error: Could not open ${(err as Error).message}\n`,
      };
    }
  }
  const jq = await jqWeb;
  try {
    const out = jq.raw(input, call.filter, call.flags);
    // jq ends every output with a newline; jq-web strips the last one
    return { code: 0, stdout: out === undefined ? '' : `${out}\n`, stderr: '' };
  } catch (err) {
    const e = err as { exitCode?: number; stderr?: string; message: string };
    return {
      code: e.exitCode ?? 5,
      stdout: '',
      stderr: `${(e.stderr ?? e.message).trim()}\n`,
    };
  }
}

if (process.argv[1] && /jq\.m[tj]s$/.test(process.argv[1])) {
  const r = await runJq(process.argv.slice(2), () => readFileSync(0, 'utf8'));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
