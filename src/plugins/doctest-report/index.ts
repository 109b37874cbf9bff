// Docusaurus plugin: makes the doctest report part of every build. The report
// is read in loadContent (each build, and on change in `docusaurus start`) and
// published as global data, so the compiled MDX depends only on the page
// source (a sample's hash) and the bundler cache can never serve a stale
// verdict; the badges look their verdicts up at render time.
import path from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { readVerificationData, type VerificationData } from './report';

export interface DoctestReportOptions {
  /** Report path, relative to the site; DOCTEST_REPORT overrides it. */
  reportPath?: string;
}

export default function doctestReportPlugin(
  context: LoadContext,
  options: DoctestReportOptions,
): Plugin<VerificationData> {
  const reportPath = path.resolve(
    context.siteDir,
    process.env.DOCTEST_REPORT ?? options.reportPath ?? 'reports/doctest/report.json',
  );
  return {
    name: 'doctest-report',
    getPathsToWatch: () => [reportPath],
    loadContent: async () => readVerificationData(reportPath),
    contentLoaded: async ({ content, actions }) => {
      actions.setGlobalData(content);
    },
  };
}
