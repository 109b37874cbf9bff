// Concrete old URLs for each vercel.json redirect: a redirect without
// parameters is its own example; one with parameters (`/docs/toolhive/:path*`)
// gets one example per existing page its destination pattern can produce.
import { sourceToRegex } from '@vercel/routing-utils';

export interface RedirectRule {
  source: string;
  destination: string;
}

export function redirectExamples(rule: RedirectRule, pages: string[]): string[] {
  const source = sourceToRegex(rule.source);
  if (source.segments.length === 0) return [rule.source];
  const destination = sourceToRegex(rule.destination.split('?')[0] ?? rule.destination);
  const examples: string[] = [];
  for (const page of pages) {
    const match = new RegExp(destination.src).exec(page);
    if (!match) continue;
    const values = Object.fromEntries(
      destination.segments.map((name, i) => [name, match[i + 1] ?? '']),
    );
    const example = rule.source.replace(
      /:([A-Za-z_]\w*)(\*|\+|\?)?(\([^)]*\))?/g,
      (_, name: string) => values[name] ?? '',
    );
    if (new RegExp(source.src).test(example)) examples.push(example.replace(/\/+$/, '') || '/');
  }
  return [...new Set(examples)];
}
