// Go's time.ParseDuration (src/time/format.go): a possibly signed sequence of
// decimal numbers, each with an optional fraction and a unit — ns, us (µs, μs),
// ms, s, m, h — such as "300ms", "-1.5h" or "2h45m"; "0" alone needs no unit.
// Returns milliseconds. Errors carry Go's own texts, which pflag and kubectl
// print after `invalid argument "<v>" for "--<flag>" flag: `.
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let ms = 0;
  while (s.length > 0) {
    const num = /^(\d*)(\.\d*)?/.exec(s) as RegExpExecArray;
    if (num[0] === '' || num[0] === '.') throw new Error(`time: invalid duration ${quoted}`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)?.[0] ?? '';
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const f = UNIT_MS[unit];
    if (f === undefined)
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    ms += Number(num[0]) * f;
    s = s.slice(unit.length);
  }
  return sign * ms;
}
