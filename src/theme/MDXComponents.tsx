// Adds the site's own components to MDX, so pages use them without an
// import: <RecordedExchange /> (written by page authors), <SampleBadge> and
// <VerificationSummary> (inserted by src/remark/sampleVerification.ts), and
// <ToolHiveRelease /> (the ToolHive version the guides are written for).
import MDXComponents from '@theme-original/MDXComponents';
import { RecordedExchange, SampleBadge, VerificationSummary } from '../components/Verification';
import { ToolHiveRelease } from '../components/ToolHiveRelease';

export default {
  ...MDXComponents,
  RecordedExchange,
  SampleBadge,
  ToolHiveRelease,
  VerificationSummary,
};
