// Which handler gives a sample its status, by annotation first, then language.
import type { Sample } from '../extract.mts';
import type { Handler } from '../context.mts';
import { outputHandler } from './output.mts';
import { checkSkippedYaml, yamlHandler } from './yaml.mts';
import { jsonHandler } from './json.mts';
import { mermaidHandler } from './mermaid.mts';
import { bashHandler } from './bash.mts';

const byLang: Record<string, Handler> = {
  yaml: yamlHandler,
  yml: yamlHandler,
  json: jsonHandler,
  mermaid: mermaidHandler,
  bash: bashHandler,
  sh: bashHandler,
  shell: bashHandler,
};

export function handlerFor(sample: Sample): Handler | undefined {
  if (sample.meta['doctest-output'] !== undefined) return outputHandler;
  return byLang[sample.lang];
}

/** What checks a skipped sample without running it (YAML: schema and references); none for the rest. */
export function skippedCheckFor(sample: Sample): Handler | undefined {
  return sample.lang === 'yaml' || sample.lang === 'yml' ? checkSkippedYaml : undefined;
}
