// YAML samples: placeholders bound, parsed (a duplicate key fails at its
// line); Kubernetes documents validated strictly against the real schemas
// (ToolHive CRDs: scripts/lib/k8s-validate.mts; core kinds and HTTPRoute:
// scripts/lib/k8s-core-validate.mts) and their backend references checked
// against the Services the page's resources create (scripts/lib/k8s-references.mts).
// With a title, the sample is written under that name into the page's
// workspace so that `kubectl apply -f <title>` works as the page says.
// A sample skipped for needing a real cluster is checked the same way, not
// written: "validated, not run".
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateDocument } from '../../lib/k8s-core-validate.mts';
import { checkReferences } from '../../lib/k8s-references.mts';
import { parseManifestText, type ManifestDoc } from '../../lib/k8s-validate.mts';
import type { Handler, PageContext } from '../context.mts';
import type { Sample } from '../extract.mts';
import { bindPlaceholders, missingMessage, PLACEHOLDER } from '../placeholders.mts';
import { pageLocal } from '../page-local.mts';
import type { Outcome } from '../status.mts';
import { recordYamlValues } from '../provenance.mts';

const isYaml = (s: Sample) => s.lang === 'yaml' || s.lang === 'yml';

/**
 * The sample's text as a reader applies it. A skipped sample may use
 * placeholders the plan does not bind (nothing runs it): each gets a valid
 * stand-in name (`<GATEWAY_NAME>` → `gateway-name`), so the schema still checks
 * everything around it.
 */
async function boundText(sample: Sample, ctx: PageContext, skipped: boolean) {
  const values = await ctx.placeholders();
  if (!skipped) return bindPlaceholders(sample.text, values);
  return {
    text: sample.text.replace(
      PLACEHOLDER,
      (_, n: string) => values[n] ?? n.toLowerCase().replace(/_/g, '-'),
    ),
    missing: [] as string[],
  };
}

/** Every Kubernetes document of the page's YAML samples (skipped ones included), parsed once. */
const pageDocs = pageLocal((ctx: PageContext): Promise<ManifestDoc[]> =>
  (async () => {
    const out: ManifestDoc[] = [];
    for (const s of ctx.samples.filter(isYaml)) {
      const skipped = s.meta['doctest-skip'] !== undefined;
      const { text } = await boundText(s, ctx, skipped);
      out.push(...parseManifestText(text, s.file).docs.filter((d) => d.apiVersion && d.kind));
    }
    return out;
  })(),
);

/** Parse, validate, check references; a failure, or the bound text. */
async function check(
  sample: Sample,
  ctx: PageContext,
  skipped: boolean,
): Promise<{ failure: Outcome } | { text: string; docs: ManifestDoc[] }> {
  // line 1 of the text is the line after the opening fence
  const at = (lineInText: number | undefined) => sample.line + (lineInText ?? 1);
  const bound = await boundText(sample, ctx, skipped);
  if (bound.missing.length > 0)
    return { failure: { status: 'failed', message: missingMessage(bound.missing, ctx.page) } };
  const { docs, problems } = parseManifestText(bound.text, sample.file);
  const first = problems[0];
  if (first)
    return {
      failure: {
        status: 'failed',
        message: `YAML does not parse: ${first.message}`,
        line: at(first.line),
      },
    };
  const all = await pageDocs(ctx);
  for (const doc of docs) {
    if (!doc.apiVersion && !doc.kind) continue; // not a Kubernetes object: parsing is the check
    const issues = await validateDocument(doc);
    // an unknown (e.g. misspelt) field is the cause; a missing required field its consequence
    const p = issues.find((i) => /unknown field/.test(i.message)) ?? issues[0];
    if (p)
      return {
        failure: {
          status: 'failed',
          message: `${doc.kind || 'object'} "${doc.name}" would be rejected by kubectl apply: ${issues
            .map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`)
            .join('; ')}`,
          line: at(p.line),
        },
      };
    const refs = checkReferences(doc, all);
    const r = refs[0];
    if (r)
      return {
        failure: {
          status: 'failed',
          message: `${doc.kind} "${doc.name}": ${refs.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          line: at(r.line),
        },
      };
  }
  return { text: bound.text, docs };
}

export const yamlHandler: Handler = async (sample, ctx) => {
  const r = await check(sample, ctx, false);
  if ('failure' in r) return r.failure;
  if (sample.title) {
    const target = path.resolve(ctx.workspace, sample.title);
    if (!target.startsWith(ctx.workspace + path.sep)) {
      return { status: 'failed', message: `title "${sample.title}" points outside the workspace` };
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, r.text.endsWith('\n') ? r.text : `${r.text}\n`);
  }
  // its values are what a later failure may name as the cause (cause.mts)
  recordYamlValues(sample, r.docs, ctx);
  return { status: 'passed', kind: 'validated' };
};

/** A skipped YAML sample: the same checks, nothing written; a failure, or undefined when it is valid. */
export async function checkSkippedYaml(
  sample: Sample,
  ctx: PageContext,
): Promise<Outcome | undefined> {
  const r = await check(sample, ctx, true);
  return 'failure' in r ? r.failure : undefined;
}
