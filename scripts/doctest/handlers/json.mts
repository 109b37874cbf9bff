// JSON samples must parse. With `doctest-claims="subject"|"exchanged"` they
// are compared, at the end of the page, with the claims of the tokens the
// mock IdP really issued during the page's run.
import type { Handler } from '../context.mts';
import type { Outcome } from '../status.mts';
import { lineDiff } from '../diff.mts';
import { compareClaims, lineOfKey } from '../validators/claims.mts';
import { jsonErrorOffset } from '../validators/json-position.mts';

export const jsonHandler: Handler = (sample, ctx) => {
  let value: unknown;
  try {
    value = JSON.parse(sample.text);
  } catch (err) {
    const msg = (err as Error).message;
    const offset = Math.max(0, jsonErrorOffset(sample.text));
    const lineInText = sample.text.slice(0, offset).split('\n').length;
    return {
      status: 'failed',
      message: `JSON does not parse: ${msg}`,
      line: sample.line + lineInText,
    };
  }
  const which = sample.meta['doctest-claims'];
  if (which === undefined) return { status: 'passed', kind: 'validated' };
  if (which !== 'subject' && which !== 'exchanged') {
    return {
      status: 'failed',
      message: `doctest-claims must be "subject" or "exchanged", got ${JSON.stringify(which)}`,
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { status: 'failed', message: 'a doctest-claims sample must be a JSON object of claims' };
  }
  const expected = value as Record<string, unknown>;
  return {
    status: 'deferred' as const,
    run: (): Outcome => {
      const actual = ctx.artefacts.claims?.[which];
      if (!actual) {
        return {
          status: 'failed',
          message: `doctest-claims="${which}": no ${which} token was seen during this page's run; add a verify step to the page's plan`,
        };
      }
      const issues = compareClaims(expected, actual);
      if (issues.length === 0)
        return { status: 'passed', kind: 'validated', artefacts: { claims: { [which]: actual } } };
      const first = issues[0] as (typeof issues)[number];
      return {
        status: 'failed',
        message: `claims example does not match the ${which} token the IdP issued: ${issues.map((i) => i.message).join('; ')}`,
        line: sample.line + (lineOfKey(sample.text, first.key) ?? 0),
        diff: lineDiff(JSON.stringify(expected, null, 2), JSON.stringify(actual, null, 2)),
      };
    },
  };
};
