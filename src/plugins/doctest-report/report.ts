// Reads the doctest report (reports/doctest/report.json, written by
// `npm run doctest`; format in scripts/doctest/README.md, types derived from
// its schema in scripts/doctest/report-schema.mts) and reduces it to what the
// pages show: per sample (file + hash) its verdict in each tier, the run's
// tiers, and per page the recorded exchange with signatures and secrets
// redacted.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ReportJson, SampleJson, TierJson } from '../../../scripts/doctest/report-schema.mts';
import { redact, redactString } from '../../../scripts/doctest/redact.mts';
import { sampleKey } from './sample-key';

export type SampleStatus = SampleJson['status'];
export type Tier = SampleJson['tier'];

/** What one tier's run said about a sample. */
export interface TierVerdict {
  tier: Tier;
  /** What the tier's world verifies against: `thv v0.44.0`, `reference proxy (hermetic)`. */
  against: string;
  status: SampleStatus;
  /** `validated` on a skipped sample: validated, not run. */
  kind?: 'run' | 'validated';
  /** Skip reason code or failure message. */
  reason?: string;
  /** Skip justification. */
  detail?: string;
}

/** The verdict of a sample (file + hash): one entry per tier that ran it. */
export interface SampleVerdict {
  tiers: TierVerdict[];
}

export interface RecordedCall {
  from: string;
  to: string;
  method: string;
  path: string;
  status?: number;
  note?: string;
}

export interface Recording {
  httpSequence?: RecordedCall[];
  claims?: { subject?: Record<string, unknown>; exchanged?: Record<string, unknown> };
}

/** A tier of the run, as the page summary reports it. */
export interface TierSummary {
  tier: Tier;
  status: TierJson['status'];
  against?: string;
  reason?: string;
}

export interface VerificationData {
  /** False when the build had no report: every badge then says so. */
  present: boolean;
  commit?: string;
  dirty?: boolean;
  startedAt?: string;
  /** sha256 (hex) of the report file the build read; tests use it to spot a stale build. */
  reportSha256?: string;
  /** The report's tiers: which ran, which were skipped and why. */
  tiers: TierSummary[];
  /** `sampleKey(file, hash)` → verdict per tier (worst status when a text appears more than once). */
  samples: Record<string, SampleVerdict>;
  /** page file → recording, and `${sample id}` → recording. */
  recordings: Record<string, Recording>;
  /** The stand-ins' measured fidelity against the real thv (the report's `fidelity`), when measured. */
  fidelity?: NonNullable<ReportJson['fidelity']>;
}

export { redact, redactString, sampleKey };

const SEVERITY: Record<SampleStatus, number> = { passed: 0, skipped: 1, failed: 2 };

function redactRecording(recording: Recording): Recording {
  const out: Recording = {};
  if (recording.httpSequence) {
    out.httpSequence = recording.httpSequence.map((call) => ({
      from: call.from,
      to: call.to,
      method: call.method,
      path: redactString(call.path),
      ...(call.status !== undefined ? { status: call.status } : {}),
      ...(call.note !== undefined ? { note: redactString(call.note) } : {}),
    }));
  }
  if (recording.claims) {
    out.claims = redact(recording.claims) as Recording['claims'];
  }
  return out;
}

function mergeRecording(into: Recording | undefined, add: Recording): Recording {
  return {
    httpSequence: into?.httpSequence ?? add.httpSequence,
    claims: into?.claims || add.claims ? { ...add.claims, ...into?.claims } : undefined,
  };
}

export function summarizeReport(report: ReportJson): VerificationData {
  if ((report.schemaVersion as number) !== 2) {
    throw new Error(
      `doctest report: schemaVersion ${report.schemaVersion} is not supported (expected 2); rerun \`npm run doctest\``,
    );
  }
  const samples: Record<string, SampleVerdict> = {};
  const recordings: Record<string, Recording> = {};
  for (const sample of report.samples) {
    const key = sampleKey(sample.file, sample.hash);
    const verdict = (samples[key] ??= { tiers: [] });
    const at = verdict.tiers.findIndex((t) => t.tier === sample.tier);
    const previous = verdict.tiers[at];
    if (!previous || SEVERITY[sample.status] > SEVERITY[previous.status]) {
      const entry: TierVerdict = {
        tier: sample.tier,
        against: sample.against,
        status: sample.status,
        ...(sample.kind ? { kind: sample.kind } : {}),
        ...(sample.reason ? { reason: redactString(sample.reason) } : {}),
        ...(sample.detail && sample.status === 'skipped' ? { detail: sample.detail } : {}),
      };
      if (previous) verdict.tiers[at] = entry;
      else verdict.tiers.push(entry);
    }
    if (sample.artefacts) {
      const clean = redactRecording(sample.artefacts);
      recordings[sample.id] = clean;
      recordings[sample.page] = mergeRecording(recordings[sample.page], clean);
    }
  }
  for (const page of report.pages) {
    if (page.artefacts) {
      recordings[page.page] = mergeRecording(
        redactRecording(page.artefacts),
        recordings[page.page] ?? {},
      );
    }
  }
  return {
    present: true,
    commit: report.commit,
    dirty: report.dirty,
    startedAt: report.startedAt,
    tiers: report.tiers.map((t) => ({
      tier: t.tier,
      status: t.status,
      ...(t.against ? { against: t.against } : {}),
      ...(t.reason ? { reason: redactString(t.reason) } : {}),
    })),
    samples,
    recordings,
    ...(report.fidelity ? { fidelity: report.fidelity } : {}),
  };
}

export function readVerificationData(reportPath: string): VerificationData {
  if (!existsSync(reportPath)) return { present: false, tiers: [], samples: {}, recordings: {} };
  let report: ReportJson;
  const text = readFileSync(reportPath, 'utf8');
  try {
    report = JSON.parse(text) as ReportJson;
  } catch (error) {
    throw new Error(
      `${reportPath}: not valid JSON (${(error as Error).message}); rerun \`npm run doctest\``,
      { cause: error },
    );
  }
  return {
    ...summarizeReport(report),
    reportSha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}
