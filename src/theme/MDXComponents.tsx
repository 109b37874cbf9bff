// Adds the verification components to MDX, so pages use them without an
// import: <RecordedExchange /> (written by page authors), <SampleBadge> and
// <VerificationSummary> (inserted by src/remark/sampleVerification.ts).
import MDXComponents from '@theme-original/MDXComponents';
import { RecordedExchange, SampleBadge, VerificationSummary } from '../components/Verification';

export default {
  ...MDXComponents,
  RecordedExchange,
  SampleBadge,
  VerificationSummary,
};
