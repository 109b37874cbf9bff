// The request log of the token endpoint (and its neighbours): parameters,
// client and outcome. Secrets and tokens never enter it: secrets are replaced by
// "[redacted]", tokens, codes and verifiers by a sha256 fingerprint.
import type { JWTPayload } from 'jose';
import type { ClientAuthMethod } from './config.mts';
import type { Form } from './http-util.mts';
import { fingerprint } from './state.mts';
import type { EndpointName } from './vendors.mts';

export interface RequestLogEntry {
  seq: number;
  time: string;
  method: string;
  /** The issuer the request was addressed to (in the request's addressing mode). */
  issuer: string;
  vendor: string;
  endpoint: EndpointName;
  grantType?: string;
  clientId?: string;
  clientAuthMethod?: ClientAuthMethod;
  /** Form parameters, with secrets redacted and tokens fingerprinted. */
  params: Record<string, string | string[]>;
  status: number;
  error?: string;
  errorDescription?: string;
  faults?: string[];
  /** Claims of the subject token of an exchange (not the token). */
  subjectClaims?: JWTPayload;
  /** Claims of the issued access token (not the token). */
  issuedClaims?: JWTPayload;
  /** Fingerprint of the issued access token, to correlate with what a client sent on. */
  issuedTokenFingerprint?: string;
}

const SECRET_PARAMS = new Set(['client_secret', 'password', 'client_assertion']);
const TOKEN_PARAMS = new Set([
  'subject_token',
  'actor_token',
  'code',
  'code_verifier',
  'refresh_token',
  'token',
  'assertion',
  'access_token',
  'id_token',
]);

export function redactParams(params: Form): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of params.names()) {
    const values = params
      .all(name)
      .map((value) =>
        SECRET_PARAMS.has(name)
          ? '[redacted]'
          : TOKEN_PARAMS.has(name)
            ? fingerprint(value)
            : value,
      );
    out[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  add(entry: Omit<RequestLogEntry, 'seq' | 'time'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, time: new Date().toISOString(), ...entry };
    this.entries.push(full);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return full;
  }

  list(filter: { issuer?: string; endpoint?: string; since?: number } = {}): RequestLogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.issuer === undefined || e.issuer === filter.issuer) &&
        (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
        (filter.since === undefined || e.seq > filter.since),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
