// Nothing secret leaves a run: commands, outputs and diffs in the report and
// on the console have tokens (any JWT) and the values bound to placeholders
// named *SECRET*, *TOKEN*, *PASSWORD* replaced.
import type { SampleResult } from './status.mts';

const JWT = /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]+/g;

export function redactor(secrets: string[]): (text: string) => string {
  const values = secrets.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text.replace(JWT, '[token redacted]');
    for (const v of values) out = out.split(v).join('[secret redacted]');
    return out;
  };
}

export function secretValues(bound: Record<string, string>): string[] {
  return Object.entries(bound)
    .filter(([k]) => /SECRET|TOKEN|PASSWORD/.test(k))
    .map(([, v]) => v);
}

export function redactResult(r: SampleResult, redact: (t: string) => string): SampleResult {
  const out = { ...r };
  for (const k of ['command', 'output', 'diff', 'reason'] as const) {
    const v = out[k];
    if (typeof v === 'string') out[k] = redact(v);
  }
  return out;
}
