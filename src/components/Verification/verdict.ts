// Pure logic of the verification badges: what a sample's badge says, given
// the report data. No React, so vitest checks it directly.
import type { SampleVerdict, VerificationData } from '../../plugins/doctest-report/report';

export type BadgeKind = 'verified' | 'failed' | 'skipped' | 'unverified' | 'no-report';

export interface Verdict {
  kind: BadgeKind;
  label: string;
  text: string;
}

export const EMPTY: VerificationData = { present: false, samples: {}, recordings: {} };

/** `2026-11-26 07:53 UTC`: the same text on the server and in every browser. */
function when(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'an unknown date';
}

export function runOf(data: VerificationData): string {
  const commit =
    data.commit && data.commit !== 'unknown' ? data.commit.slice(0, 7) : 'an unknown commit';
  return `${when(data.startedAt)}, commit ${commit}${data.dirty ? ' with uncommitted changes' : ''}`;
}

export function verdictOf(data: VerificationData, file: string, hash: string): Verdict {
  if (!data.present) {
    return {
      kind: 'no-report',
      label: 'Not verified',
      text: 'this build has no doctest report, so no sample on it is verified',
    };
  }
  const verdict: SampleVerdict | undefined = data.samples[`${file}\n${hash}`];
  if (!verdict) {
    return {
      kind: 'unverified',
      label: 'Not verified',
      text: `this sample changed after the last doctest run (${runOf(data)})`,
    };
  }
  switch (verdict.status) {
    case 'passed':
      return { kind: 'verified', label: 'Verified', text: runOf(data) };
    case 'failed':
      return {
        kind: 'failed',
        label: 'Failed',
        text: `in the doctest run of ${runOf(data)}${verdict.reason ? `: ${verdict.reason}` : ''}`,
      };
    case 'skipped':
      return {
        kind: 'skipped',
        label: 'Not run',
        text: [verdict.reason, verdict.detail].filter(Boolean).join(': ') || 'skipped',
      };
  }
}
