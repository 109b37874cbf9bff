// Adds the site's own components to MDX, so pages use them without an
// import: <RecordedExchange /> (written by page authors), <SampleBadge> and
// <VerificationSummary> (inserted by src/remark/sampleVerification.ts), and
// <ToolHiveRelease /> (the ToolHive version the guides are written for) and
// <StandInFidelity /> (the measured agreement of the stand-ins with the real thv).
// Markdown tables render inside a ScrollBox, which scrolls a wide table.
import MDXComponents from '@theme-original/MDXComponents';
import {
  RecordedExchange,
  SampleBadge,
  StandInFidelity,
  VerificationSummary,
} from '../components/Verification';
import { ToolHiveRelease } from '../components/ToolHiveRelease';
import { ScrollTable } from '../components/ScrollBox';

export default {
  ...MDXComponents,
  RecordedExchange,
  SampleBadge,
  StandInFidelity,
  ToolHiveRelease,
  VerificationSummary,
  table: ScrollTable,
};
