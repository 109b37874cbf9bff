// Reads the doctest report (reports/doctest/report.json, written by
// `npm run doctest`; format in scripts/doctest/README.md) and reduces it to
// what the pages show: per sample (file + hash) its status, and per page the
// recorded exchange with signatures and secrets redacted.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export type SampleStatus = 'passed' | 'failed' | 'skipped';

export interface SampleVerdict {
  status: SampleStatus;
  /** Skip reason code or failure message. */
  reason?: string;
  /** Skip justification. */
  detail?: string;
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

export interface VerificationData {
  /** False when the build had no report: every badge then says so. */
  present: boolean;
  commit?: string;
  dirty?: boolean;
  startedAt?: string;
  /** sha256 (hex) of the report file the build read; tests use it to spot a stale build. */
  reportSha256?: string;
  /** `${file}\n${hash}` → verdict (worst status when a text appears more than once). */
  samples: Record<string, SampleVerdict>;
  /** page file → recording, and `${sample id}` → recording. */
  recordings: Record<string, Recording>;
}

interface ReportSample {
  id: string;
  page: string;
  file: string;
  hash: string;
  status: SampleStatus;
  reason?: string;
  detail?: string;
  artefacts?: Recording;
}

interface Report {
  schemaVersion: number;
  commit: string;
  dirty: boolean;
  startedAt: string;
  pages: { page: string; artefacts?: Recording }[];
  samples: ReportSample[];
}

export const sampleKey = (file: string, hash: string): string => `${file}\n${hash}`;

const SEVERITY: Record<SampleStatus, number> = { passed: 0, skipped: 1, failed: 2 };

const SECRET_KEY =
  /secret|password|passwd|assertion|private|(^|_)(access|refresh|id|subject|actor)?_?token$|^code$|^authorization$/i;
const JWT = /\b(eyJ[\w-]+)\.(eyJ[\w-]+)\.([\w-]+)\b/g;

/** A string with JWT signatures cut off and secret query parameters blanked. */
export function redactString(value: string): string {
  return value
    .replace(JWT, '$1.$2.[signature redacted]')
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

export function summarizeReport(report: Report): VerificationData {
  if (report.schemaVersion !== 2) {
    throw new Error(
      `doctest report: schemaVersion ${report.schemaVersion} is not supported (expected 2); rerun \`npm run doctest\``,
    );
  }
  const samples: Record<string, SampleVerdict> = {};
  const recordings: Record<string, Recording> = {};
  for (const sample of report.samples) {
    const key = sampleKey(sample.file, sample.hash);
    const previous = samples[key];
    if (!previous || SEVERITY[sample.status] > SEVERITY[previous.status]) {
      samples[key] = {
        status: sample.status,
        ...(sample.reason ? { reason: redactString(sample.reason) } : {}),
        ...(sample.detail && sample.status === 'skipped' ? { detail: sample.detail } : {}),
      };
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
    samples,
    recordings,
  };
}

export function readVerificationData(reportPath: string): VerificationData {
  if (!existsSync(reportPath)) return { present: false, samples: {}, recordings: {} };
  let report: Report;
  const text = readFileSync(reportPath, 'utf8');
  try {
    report = JSON.parse(text) as Report;
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
