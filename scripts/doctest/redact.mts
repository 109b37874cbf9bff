// The one redaction of the project's doctest output: nothing secret leaves a
// run, in the report, on the console or on the site.
//   - text the run captured (commands, outputs, diffs, failure reasons):
//     every JWT replaced whole, and the values bound to placeholders named
//     *SECRET*, *PASSWORD* or *_TOKEN (`redactor`, `redactResult`);
//   - what readers see (recorded calls, claims; src/plugins/doctest-report):
//     JWT signatures cut off, secret query parameters blanked, claims and
//     fields with secret-looking keys (client_secret, *_token, code,
//     at_hash, nonce …) replaced (`redactString`, `redact`).
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

/**
 * Placeholders whose values are secret: named *SECRET* or *PASSWORD*, or a
 * token (`USER_ACCESS_TOKEN`, `TOKEN`). `TOKEN_EXCHANGE_URL` names an endpoint,
 * not a token: its value stays readable in the report.
 */
export const isSecretName = (name: string) => /SECRET|PASSWORD|(^|_)TOKEN$/.test(name);

export function secretValues(bound: Record<string, string>): string[] {
  return Object.entries(bound)
    .filter(([k]) => isSecretName(k))
    .map(([, v]) => v);
}

export function redactResult(r: SampleResult, redact: (t: string) => string): SampleResult {
  const out = { ...r };
  for (const k of ['command', 'output', 'diff', 'reason'] as const) {
    const v = out[k];
    if (typeof v === 'string') out[k] = redact(v);
  }
  if ('cause' in out && out.cause) out.cause = { ...out.cause, what: redact(out.cause.what) };
  return out;
}

/** at_hash, c_hash (OIDC Core §3.1.3.6, §3.3.2.11) and nonce tie a claim set to a token or a request. */
export const SECRET_KEY =
  /secret|password|passwd|assertion|private|(^|_)(access|refresh|id|subject|actor)?_?token$|^code$|^authorization$|^(at|c)_hash$|^nonce$/i;
const JWT_PARTS = /\b(eyJ[\w-]+)\.(eyJ[\w-]+)\.([\w-]+)\b/g;

/** A string with JWT signatures cut off and secret query parameters blanked. */
export function redactString(value: string): string {
  return value
    .replace(JWT_PARTS, '$1.$2.[signature redacted]')
    .replace(
      /([?&](?:client_secret|code|code_verifier|subject_token|actor_token|access_token|refresh_token|id_token|assertion|password)=)[^&\s]*/gi,
      '$1[redacted]',
    );
}

/** Claims or any JSON value, with secret-looking keys and token signatures redacted. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    return key && SECRET_KEY.test(key) && !/^token_type$/i.test(key)
      ? '[redacted]'
      : redactString(value);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}
