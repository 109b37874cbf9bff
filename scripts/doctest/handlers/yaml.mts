// YAML samples: parsed; Kubernetes documents validated strictly with the
// project's shared CRD validator (scripts/lib/k8s-validate.mts, kubectl's
// default strict field validation); with a title, written under that name
// into the page's workspace (placeholders bound) so that
// `kubectl apply -f <title>` works as the page says.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateDocument } from '../../lib/k8s-core-validate.mts';
import { parseManifestText } from '../../lib/k8s-validate.mts';
import type { Handler } from '../context.mts';
import { bindPlaceholders, missingMessage } from '../placeholders.mts';
import { placeholderValues } from '../services.mts';

export const yamlHandler: Handler = async (sample, ctx) => {
  // line 1 of the text is the line after the opening fence
  const at = (lineInText: number | undefined) => sample.line + (lineInText ?? 1);
  // validate what the reader applies: the text with the placeholders filled in
  const values = await placeholderValues(ctx);
  const bound = bindPlaceholders(sample.text, values);
  if (bound.missing.length > 0)
    return { status: 'failed', message: missingMessage(bound.missing, ctx.page) };
  const { docs, problems } = parseManifestText(bound.text, sample.file);
  const first = problems[0];
  if (first) {
    return {
      status: 'failed',
      message: `YAML does not parse: ${first.message}`,
      line: at(first.line),
    };
  }
  for (const doc of docs) {
    if (!doc.apiVersion && !doc.kind) continue; // not a Kubernetes object: parsing is the check
    const issues = await validateDocument(doc);
    // an unknown (e.g. misspelt) field is the cause; a missing required field its consequence
    const p = issues.find((i) => /unknown field/.test(i.message)) ?? issues[0];
    if (p) {
      return {
        status: 'failed',
        message: `${doc.kind || 'object'} "${doc.name}" would be rejected by kubectl apply: ${issues
          .map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`)
          .join('; ')}`,
        line: at(p.line),
      };
    }
  }
  if (sample.title) {
    const values = await placeholderValues(ctx);
    const bound = bindPlaceholders(sample.text, values);
    if (bound.missing.length > 0)
      return { status: 'failed', message: missingMessage(bound.missing, ctx.page) };
    const target = path.resolve(ctx.workspace, sample.title);
    if (!target.startsWith(ctx.workspace + path.sep)) {
      return { status: 'failed', message: `title "${sample.title}" points outside the workspace` };
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bound.text.endsWith('\n') ? bound.text : `${bound.text}\n`);
  }
  return { status: 'passed', kind: 'validated' };
};
