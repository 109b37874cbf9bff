// What a person sees: a progress line per page, then each failure as
// `docs/...mdx:LINE` with the sample, the command, its output and a diff.
import type { PageResult, Report } from './report.mts';
import type { SampleResult } from './status.mts';

const indent = (text: string, pad = '    ') =>
  text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

const tail = (text: string, lines = 40) => {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.length <= lines
    ? all.join('\n')
    : [`… (${all.length - lines} lines above)`, ...all.slice(-lines)].join('\n');
};

export function progressLine(page: PageResult, samples: SampleResult[]): string {
  const n = (s: SampleResult['status']) => samples.filter((x) => x.status === s).length;
  const mark = page.status === 'passed' ? '✓' : '✗';
  const parts = [`${n('passed')} passed`];
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('skipped')) parts.push(`${n('skipped')} skipped`);
  const tier = page.tier === 'hermetic' ? '' : ` [${page.tier}]`;
  return `${mark} ${page.page}${tier}  ${parts.join(', ')}  (${(page.durationMs / 1000).toFixed(1)} s)${page.error ? `\n    page error: ${page.error}` : ''}`;
}

export function failureBlock(s: SampleResult, sampleText: string | undefined): string {
  const out = [`${s.failureFile ?? s.file}:${s.failureLine ?? s.line}: ${s.reason ?? 'failed'}`];
  if (s.cause) out.push(`  likely cause: ${s.cause.file}:${s.cause.line} (${s.cause.what})`);
  if (s.page !== s.file) out.push(`  (run as part of ${s.page})`);
  if (s.tier !== 'hermetic') out.push(`  (${s.tier} tier, against ${s.against})`);
  if (sampleText !== undefined)
    out.push(
      `  sample (\`\`\`${s.lang}${s.title ? ` title="${s.title}"` : ''}, line ${s.line}):`,
      indent(sampleText),
    );
  if (s.command && s.command !== sampleText) out.push('  command:', indent(s.command));
  if (s.output) out.push('  output:', indent(tail(s.output)));
  if (s.diff) out.push('  diff:', indent(s.diff));
  return out.join('\n');
}

export function summaryLine(report: Report): string {
  const t = report.totals;
  const notRun = t.validatedNotRun ? ` (${t.validatedNotRun} validated, not run)` : '';
  return `doctest: ${t.samples} samples — ${t.passed} passed (${t.run} run, ${t.validated} validated), ${t.failed} failed, ${t.skipped} skipped${notRun}; coverage ${(report.coverage * 100).toFixed(1)}%; ${(report.durationMs / 1000).toFixed(1)} s`;
}
