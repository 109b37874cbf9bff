// Fault injection per endpoint (control plane): make the IdP slow, broken or
// subtly wrong, so that clients' error handling can be tested.
import type { EndpointName } from './vendors.mts';

export type FaultKind =
  /** Wait delayMs, then answer normally. */
  | 'delay'
  /** Answer with `status` (default 503) and a JSON error body. */
  | 'status'
  /** Destroy the connection without answering. */
  | 'reset'
  /** Answer 200 with an HTML body instead of JSON. */
  | 'non-json'
  /** Token endpoint: a successful exchange lacks issued_token_type (RFC 8693 §2.2.1 REQUIRED). */
  | 'missing-issued-token-type'
  /** Token endpoint: token_type "N_A" instead of "Bearer". */
  | 'wrong-token-type'
  /** Token endpoint: the issued access token is already expired. */
  | 'expired-token'
  /** Token endpoint: the issued access token is signed with a key not in the JWKS. */
  | 'unknown-key';

export const FAULT_KINDS: readonly FaultKind[] = [
  'delay',
  'status',
  'reset',
  'non-json',
  'missing-issued-token-type',
  'wrong-token-type',
  'expired-token',
  'unknown-key',
];

export interface FaultSpec {
  endpoint: EndpointName;
  kind: FaultKind;
  /** Limit to one authorization server: its issuer in either addressing mode. */
  issuer?: string;
  delayMs?: number;
  status?: number;
  /** How many matching requests it affects; unlimited when absent. */
  times?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Matching requests affected so far. */
  hits: number;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: `fault-${++this.seq}`, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return [...this.faults];
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults that apply to this request, counted as used. */
  take(
    endpoint: EndpointName,
    serverKey: string,
    resolveIssuer: (issuer: string) => string | undefined,
  ): Fault[] {
    const hits: Fault[] = [];
    let answered = false;
    for (const fault of this.faults) {
      if (fault.endpoint !== endpoint) continue;
      if (fault.issuer !== undefined && resolveIssuer(fault.issuer) !== serverKey) continue;
      if (fault.times !== undefined && fault.hits >= fault.times) continue;
      // Only one fault can replace the answer (status, reset, non-json); the next waits its turn.
      const replacesAnswer =
        fault.kind === 'status' || fault.kind === 'reset' || fault.kind === 'non-json';
      if (replacesAnswer && answered) continue;
      answered ||= replacesAnswer;
      fault.hits++;
      hits.push(fault);
    }
    return hits;
  }
}
