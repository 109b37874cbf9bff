// What the doctest run says about the samples of a page, from the report the
// doctest-report plugin publishes as global data (src/plugins/doctest-report).
//
//   <SampleBadge file hash />            one sample's verdict (used by the
//                                        CodeBlock wrapper and after diagrams)
//   <VerificationSummary samples />      "N of M samples verified" for a page
//   <RecordedExchange [page] [sample] /> the requests and the claims before and
//                                        after the exchange the last run recorded
//
// The remark plugin (src/remark/sampleVerification.ts) fills `file`, `hash`,
// `samples` and `page` from the page source; writers only write
// `<RecordedExchange />`.
import React, { type ReactNode } from 'react';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { Recording, VerificationData } from '../../plugins/doctest-report/report';
import { EMPTY, runOf, verdictOf, type BadgeKind } from './verdict';
import styles from './styles.module.css';

export function useVerificationData(): VerificationData {
  return (usePluginData('doctest-report') as VerificationData | undefined) ?? EMPTY;
}

export function SampleBadge({ file, hash }: { file: string; hash: string }): ReactNode {
  const verdict = verdictOf(useVerificationData(), file, hash);
  return (
    <p
      className={`${styles.badge} ${styles[verdict.kind]}`}
      data-verification={verdict.kind}
      data-sample-file={file}
      data-sample-hash={hash}
    >
      <span className={styles.label}>{verdict.label}</span>
      <span className={styles.text}>{verdict.text}</span>
    </p>
  );
}

export function VerificationSummary({ samples }: { samples: string }): ReactNode {
  const data = useVerificationData();
  const ids = samples.split(',').filter(Boolean);
  const counts: Record<BadgeKind, number> = {
    verified: 0,
    failed: 0,
    skipped: 0,
    unverified: 0,
    'no-report': 0,
  };
  for (const id of ids) {
    const at = id.lastIndexOf('#');
    counts[verdictOf(data, id.slice(0, at), id.slice(at + 1)).kind]++;
  }
  const parts = [
    counts.failed ? `${counts.failed} failed` : '',
    counts.skipped ? `${counts.skipped} not run (reason on each)` : '',
    counts.unverified ? `${counts.unverified} changed since the last run` : '',
  ].filter(Boolean);
  const kind: BadgeKind = !data.present
    ? 'no-report'
    : counts.failed
      ? 'failed'
      : counts.verified === ids.length
        ? 'verified'
        : 'unverified';
  return (
    <aside
      className={`${styles.summary} ${styles[kind]}`}
      data-verification-summary={kind}
      data-report-sha256={data.reportSha256}
      aria-label="Sample verification"
    >
      {data.present ? (
        <>
          <strong>
            {counts.verified} of {ids.length} samples verified
          </strong>{' '}
          by the doctest run of {runOf(data)}
          {parts.length > 0 ? `; ${parts.join(', ')}.` : '.'}
        </>
      ) : (
        <>
          <strong>0 of {ids.length} samples verified:</strong> this build has no doctest report.
        </>
      )}
    </aside>
  );
}

function ClaimsTable({ claims }: { claims: NonNullable<Recording['claims']> }): ReactNode {
  const before = claims.subject ?? {};
  const after = claims.exchanged ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const show = (v: unknown): string => (v === undefined ? '—' : JSON.stringify(v));
  return (
    <table className={styles.claims}>
      <caption>
        Claims of the token before and after the exchange (decoded, signatures removed)
      </caption>
      <thead>
        <tr>
          <th scope="col">claim</th>
          <th scope="col">subject token (from the client)</th>
          <th scope="col">exchanged token (sent to the backend)</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => {
          const changed = show(before[key]) !== show(after[key]);
          return (
            <tr key={key} data-changed={changed}>
              <th scope="row">
                <code>{key}</code>
              </th>
              <td>
                <code>{show(before[key])}</code>
              </td>
              <td>
                <code>{show(after[key])}</code>
                {changed ? <span className={styles.changed}> (changed)</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RecordedExchange({ page, sample }: { page?: string; sample?: string }): ReactNode {
  const data = useVerificationData();
  const recording = (sample && data.recordings[sample]) || (page && data.recordings[page]) || null;
  if (!data.present || !recording || (!recording.httpSequence && !recording.claims)) {
    return (
      <aside className={`${styles.recording} ${styles['no-report']}`} data-recorded-exchange="none">
        <p>
          {data.present
            ? 'The last doctest run recorded no exchange for this page.'
            : 'This build has no doctest report, so there is no recorded exchange to show.'}
        </p>
      </aside>
    );
  }
  return (
    <figure className={styles.recording} data-recorded-exchange="present">
      <figcaption>
        Recorded by the doctest run of {runOf(data)}. Token signatures and secrets are redacted.
      </figcaption>
      {recording.httpSequence ? (
        <ol className={styles.sequence}>
          {recording.httpSequence.map((call, i) => (
            <li key={i}>
              <span>
                {call.from} → {call.to}
              </span>{' '}
              <code>
                {call.method} {call.path}
              </code>
              {call.status !== undefined ? <> → {call.status}</> : null}
              {call.note ? <span className={styles.note}> ({call.note})</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {recording.claims ? <ClaimsTable claims={recording.claims} /> : null}
    </figure>
  );
}
