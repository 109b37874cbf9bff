// Output is asserted, not only exit codes. A shell sample that printed
// something a reader reads is followed by a `doctest-output` block, or the
// plan says why nothing checks it (`samples.<anchor>.unasserted: "<why>"`).
// Every other such sample is listed in the report (pages[].unasserted). A
// sample that printed `null`, an empty value or an error object where its
// page shows no output fails: that is what a reader gets when the value the
// page promises is missing.
import type { Sample } from './extract.mts';

export interface Unasserted {
  id: string;
  file: string;
  line: number;
  /** The plan's reason, when it gives one. */
  reason?: string;
}

const SHELL = new Set(['bash', 'sh', 'shell']);

/** The sample's output block, if the next sample is one. */
export function outputBlockAfter(samples: Sample[], i: number): Sample | undefined {
  const next = samples[i + 1];
  return next && next.meta['doctest-output'] !== undefined ? next : undefined;
}

/** Does this sample print something a reader relies on (a shell sample that ran in the foreground)? */
export function isReadOutput(sample: Sample, output: string): boolean {
  return (
    SHELL.has(sample.lang) &&
    sample.meta['doctest-background'] === undefined &&
    sample.meta['doctest-exit'] === undefined &&
    output.trim() !== ''
  );
}

/**
 * `null`, `""`, an empty line from a `jq` filter, or a JSON object with an
 * `error` member: what a command prints when the value the page promises is
 * missing. undefined when the output looks like a value.
 */
export function missingValue(command: string, output: string): string | undefined {
  const text = output.trim();
  const last = text.split('\n').at(-1)?.trim() ?? '';
  if (last === 'null') return 'printed null';
  if (last === '""') return 'printed an empty string';
  if (text === '' && /\|\s*jq\b[^|]*$/.test(command.trim()))
    return 'printed nothing (jq found no value)';
  if (/^\{[\s\S]*\}$/.test(text)) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      if (o && typeof o === 'object' && 'error' in o)
        return `printed an error object (${JSON.stringify(o['error']).slice(0, 80)})`;
    } catch {
      // not one JSON object: not an error object
    }
  }
  return undefined;
}
