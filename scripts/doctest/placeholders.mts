// <UPPER_SNAKE> placeholders in samples are bound by the page's plan, as a
// reader would fill them in. Nothing else in a sample is rewritten.
export const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)>/g;

export function bindPlaceholders(
  text: string,
  values: Record<string, string>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) {
      missing.add(name);
      return whole;
    }
    return v;
  });
  return { text: out, missing: [...missing] };
}

export function missingMessage(missing: string[], page: string): string {
  return `placeholder ${missing.map((m) => `<${m}>`).join(', ')} is not bound: add it under \`bind:\` in ${page.replace(/\.mdx?$/, '.doctest.yaml')}`;
}
