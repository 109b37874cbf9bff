// Which handler gives a sample its status, by annotation first, then language.
import type { Sample } from '../extract.mts';
import type { Handler } from '../context.mts';
import { outputHandler } from './output.mts';

const byLang: Record<string, Handler> = {};

export function registerLang(langs: string[], handler: Handler): void {
  for (const l of langs) byLang[l] = handler;
}

export function handlerFor(sample: Sample): Handler | undefined {
  if (sample.meta['doctest-output'] !== undefined) return outputHandler;
  return byLang[sample.lang];
}
