// What the doctest run says about the samples of a page, from the report the
// doctest-report plugin publishes as global data (src/plugins/doctest-report).
//
//   <SampleBadge file hash />            one sample's verdict (used by the
//                                        CodeBlock wrapper and after diagrams)
//   <VerificationSummary samples />      one line for a page: how many verified, by
//                                        which tier, what did not run
//   <RecordedExchange [page] [sample] /> the requests and the claims before and
//                                        after the exchange the last run recorded
//
// The remark plugin (src/remark/sampleVerification.ts) fills `file`, `hash`,
// `samples` and `page` from the page source; writers only write
// `<RecordedExchange />`.
import React, { useId, type ReactNode } from 'react';
import { usePluginData } from '@docusaurus/useGlobalData';
import type { Recording, VerificationData } from '../../plugins/doctest-report/report';
import { EMPTY, runOf, summaryOf, verdictOf } from './verdict';
import styles from './styles.module.css';
import { ScrollTable } from '../ScrollBox';

export function useVerificationData(): VerificationData {
  return (usePluginData('doctest-report') as VerificationData | undefined) ?? EMPTY;
}

/**
 * One compact badge per code block: a mark and a word; the detail (which tier,
 * against what, or why not) shows on hover and on keyboard focus, and is the
 * badge's accessible description.
 */
export function SampleBadge({ file, hash }: { file: string; hash: string }): ReactNode {
  const verdict = verdictOf(useVerificationData(), file, hash);
  const id = useId();
  return (
    <p className={styles.badgeRow}>
      <span
        className={`${styles.badge} ${styles[verdict.kind]}`}
        data-verification={verdict.kind}
        data-sample-file={file}
        data-sample-hash={hash}
        tabIndex={0}
        aria-describedby={id}
      >
        <span aria-hidden="true" className={styles.icon}>
          {verdict.icon}
        </span>
        <span className={styles.word}>{verdict.word}</span>
        <span role="tooltip" id={id} className={styles.detail}>
          {verdict.text}
        </span>
      </span>
    </p>
  );
}

export function VerificationSummary({ samples }: { samples: string }): ReactNode {
  const data = useVerificationData();
  const summary = summaryOf(data, samples.split(',').filter(Boolean));
  return (
    <aside
      className={`${styles.summary} ${styles[summary.kind]}`}
      data-verification-summary={summary.kind}
      data-report-sha256={data.reportSha256}
      aria-label="Sample verification"
    >
      {summary.text}
    </aside>
  );
}

function ClaimsTable({ claims }: { claims: NonNullable<Recording['claims']> }): ReactNode {
  const before = claims.subject ?? {};
  const after = claims.exchanged ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const show = (v: unknown): string => (v === undefined ? '—' : JSON.stringify(v));
  return (
    <ScrollTable className={styles.claims}>
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
    </ScrollTable>
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

/**
 * The stand-ins' measured fidelity, as the build's doctest report holds it:
 * how many cases the reference proxy in `--compat toolhive` and the real
 * `thv proxy` answered alike. Says plainly when this build has no such figure.
 */
export function StandInFidelity(): ReactNode {
  const { fidelity } = useVerificationData();
  if (!fidelity) {
    return (
      <p data-fidelity="absent">
        This build&apos;s doctest report has no fidelity figure: no comparison with the real thv ran
        for it.
      </p>
    );
  }
  const day = fidelity.generatedAt.slice(0, 10);
  return (
    <p data-fidelity={`${fidelity.agree}/${fidelity.total}`}>
      Measured on {day}: in compatibility mode, the reference proxy answered{' '}
      <strong>
        {fidelity.agree} of {fidelity.total}
      </strong>{' '}
      cases as <code>thv proxy</code> {fidelity.toolhive} did
      {fidelity.skipped > 0 ? ` (${fidelity.skipped} cases did not run)` : ''}.
    </p>
  );
}
