// Reads the first cells of the "Measured differences" table in
// scripts/token-exchange-proxy/README.md: the keys cases.mts refers to.
export const MEASURED_HEADING =
  '## Measured differences between `--compat toolhive` and `thv proxy`';

export function measuredDifferenceKeys(readme: string): string[] {
  const start = readme.indexOf(MEASURED_HEADING);
  if (start < 0) return [];
  const rest = readme.slice(start + MEASURED_HEADING.length);
  const end = rest.search(/\n## /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const rows = section.split('\n').filter((l) => l.startsWith('|'));
  // header row, separator row, then the rows
  return rows
    .slice(2)
    .map((l) => (l.split('|')[1] ?? '').trim())
    .filter(Boolean);
}
