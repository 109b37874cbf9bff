// What a mutation is: one textual change to a page or partial, and where the
// doctest must then report the first failure. Each owner keeps their
// mutations in their own file here; index.mts lists the files.
export const CLI = 'docs/toolhive/guides-cli/token-exchange.mdx';
export const K8S = 'docs/toolhive/guides-k8s/token-exchange-k8s.mdx';
export const CONCEPT = 'docs/toolhive/concepts/backend-auth.mdx';
export const PARTIAL = 'docs/toolhive/_partials/_configure-token-exchange-idp.mdx';

export interface Mutation {
  kind: string;
  /** File to mutate (a page or a partial). */
  file: string;
  find: string;
  replace: string;
  /** Page to run (default: `file`). */
  page?: string;
  /** The failure must be reported in this file (default: `file`)… */
  expectFile?: string;
  /** …at the line where this text starts in that file (default: where `replace` starts). */
  expectAt?: string;
  /**
   * The failure must name an earlier sample's line as its likely cause: the
   * line where this text starts (in `expectFile`, default `file`).
   */
  expectCause?: string;
  /**
   * A second change that corrects the mistake another way: with the mutation
   * and this, the page must pass (so the failure is the mistake's, not the
   * change's).
   */
  fixedBy?: { find: string; replace: string };
  /**
   * The mistake shows only in the plan's verify step (the page's samples all
   * pass): the page error must match this, and it must name the sample at
   * `expectAt` as the one the step ran after.
   */
  expectPageError?: RegExp;
}

export const m = (x: Mutation) => x;
