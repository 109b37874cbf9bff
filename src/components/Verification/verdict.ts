// Pure logic of the verification badges: what a sample's badge and a page's
// summary say, given the report data. No React, so vitest checks it directly.
// A badge claims only what ran: "verified with thv vX.Y.Z" for the live tier,
// "verified against the reference proxy (hermetic)" for the hermetic one.
import type {
  TierSummary,
  TierVerdict,
  VerificationData,
} from '../../plugins/doctest-report/report';
import { sampleKey } from '../../plugins/doctest-report/sample-key';

export type BadgeKind =
  'verified' | 'validated' | 'failed' | 'skipped' | 'unverified' | 'no-report';

export interface Verdict {
  kind: BadgeKind;
  /** A one-character mark, decorative (the word carries the meaning). */
  icon: string;
  /** The badge's one word. */
  word: string;
  /** The detail, shown on hover and keyboard focus and read by screen readers. */
  text: string;
}

export const EMPTY: VerificationData = { present: false, tiers: [], samples: {}, recordings: {} };

const ICON: Record<BadgeKind, string> = {
  verified: '✓',
  validated: '✓',
  failed: '✗',
  skipped: '–',
  unverified: '?',
  'no-report': '?',
};

/** `2026-11-26 07:53 UTC`: the same text on the server and in every browser. */
function when(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'an unknown date';
}

export function runOf(data: VerificationData): string {
  const commit =
    data.commit && data.commit !== 'unknown' ? data.commit.slice(0, 7) : 'an unknown commit';
  return `${when(data.startedAt)}, commit ${commit}${data.dirty ? ' with uncommitted changes' : ''}`;
}

/** "with thv v0.44.0" (live) or "against the reference proxy (hermetic)". */
export function againstPhrase(t: { tier: string; against?: string }): string {
  if (t.tier === 'live') return `with ${t.against ?? 'the real thv'}`;
  return `against the ${t.against ?? 'reference proxy (hermetic)'}`;
}

const listed = (parts: string[]) =>
  parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;

const live = (tiers: TierVerdict[]) =>
  [...tiers].sort((a, b) => (a.tier === 'live' ? -1 : b.tier === 'live' ? 1 : 0));

const make = (kind: BadgeKind, word: string, text: string): Verdict => ({
  kind,
  icon: ICON[kind],
  word,
  text,
});

export function verdictOf(data: VerificationData, file: string, hash: string): Verdict {
  if (!data.present)
    return make(
      'no-report',
      'Not verified',
      'this build has no doctest report, so no sample on it is verified',
    );
  const tiers = data.samples[sampleKey(file, hash)]?.tiers ?? [];
  if (tiers.length === 0)
    return make(
      'unverified',
      'Not verified',
      `this sample changed after the last doctest run (${runOf(data)})`,
    );
  const ordered = live(tiers);
  const failed = ordered.filter((t) => t.status === 'failed');
  if (failed.length > 0)
    return make(
      'failed',
      'Failed',
      failed.map((t) => `failed ${againstPhrase(t)}${t.reason ? `: ${t.reason}` : ''}`).join('; '),
    );
  const passed = ordered.filter((t) => t.status === 'passed');
  if (passed.length > 0)
    return make(
      'verified',
      'Verified',
      `verified ${listed(passed.map(againstPhrase))} (${runOf(data)})`,
    );
  const why = (t: TierVerdict) => [t.reason, t.detail].filter(Boolean).join(': ') || 'skipped';
  const validated = ordered.find((t) => t.kind === 'validated');
  if (validated) return make('validated', 'Validated', `validated, not run — ${why(validated)}`);
  return make('skipped', 'Not run', `not run — ${why(ordered[0] as TierVerdict)}`);
}

/** The page summary: one line on what verified the page's samples, and what did not run. */
export function summaryOf(
  data: VerificationData,
  ids: string[],
): { kind: BadgeKind; text: string } {
  if (!data.present)
    return {
      kind: 'no-report',
      text: `0 of ${ids.length} samples verified: this build has no doctest report.`,
    };
  const counts: Record<BadgeKind, number> = {
    verified: 0,
    validated: 0,
    failed: 0,
    skipped: 0,
    unverified: 0,
    'no-report': 0,
  };
  const byTier = new Map<string, { tier: string; against: string; n: number }>();
  for (const id of ids) {
    const at = id.lastIndexOf('#');
    const file = id.slice(0, at);
    const hash = id.slice(at + 1);
    counts[verdictOf(data, file, hash).kind]++;
    for (const t of data.samples[sampleKey(file, hash)]?.tiers ?? []) {
      if (t.status !== 'passed') continue;
      const seen = byTier.get(t.tier) ?? { tier: t.tier, against: t.against, n: 0 };
      byTier.set(t.tier, { ...seen, n: seen.n + 1 });
    }
  }
  const ran = [...byTier.values()].sort((a, b) =>
    a.tier === 'live' ? -1 : b.tier === 'live' ? 1 : 0,
  );
  const by = ran.length > 0 ? ` ${listed(ran.map((t) => `${againstPhrase(t)} (${t.n})`))}` : '';
  const notRun = [
    counts.failed ? `${counts.failed} failed` : '',
    counts.validated ? `${counts.validated} validated, not run` : '',
    counts.skipped ? `${counts.skipped} not run` : '',
    counts.unverified ? `${counts.unverified} changed since the run` : '',
  ].filter(Boolean);
  const skippedLive = data.tiers.find(
    (t: TierSummary) => t.tier === 'live' && t.status !== 'passed' && t.status !== 'failed',
  );
  const liveNote =
    skippedLive && !byTier.has('live')
      ? skippedLive.status === 'skipped'
        ? `; the live tier did not run (${skippedLive.reason ?? 'skipped'})`
        : '; this build ran the hermetic tier only'
      : '';
  const kind: BadgeKind = counts.failed
    ? 'failed'
    : counts.verified === ids.length
      ? 'verified'
      : 'unverified';
  return {
    kind,
    text: `${counts.verified} of ${ids.length} samples verified${by}, ${runOf(data)}${notRun.length ? `; ${notRun.join(', ')}` : ''}${liveNote}.`,
  };
}
