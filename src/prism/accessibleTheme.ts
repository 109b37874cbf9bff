// Prism themes with WCAG AA contrast. The stock prism-react-renderer themes
// (oneLight, oneDark, github, …) each have token colours under 4.5:1 against
// their own background, which axe reports as serious `color-contrast`
// violations. `withAaContrast()` keeps each theme's hues and moves every token
// colour towards black (light background) or white (dark background) until it
// reaches the target contrast.
import type { PrismTheme } from 'prism-react-renderer';

type Rgb = [number, number, number];

function parseColor(value: string): Rgb | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (hex) {
    const h = hex[1] ?? '';
    const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(value.trim());
  if (rgb) {
    const [r, g, b] = (rgb[1] ?? '').split(',').map((p) => Number(p.trim()));
    if ([r, g, b].every((n) => Number.isFinite(n))) return [r, g, b] as Rgb;
  }
  const hsl = /^hsla?\(\s*([\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+([\d.]+)%/i.exec(value.trim());
  if (hsl) {
    const [h, s, l] = [Number(hsl[1]) / 360, Number(hsl[2]) / 100, Number(hsl[3]) / 100];
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
    const p = 2 * l - q;
    const hue = (t: number): number => {
      const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
      if (u < 1 / 6) return p + (q - p) * 6 * u;
      if (u < 1 / 2) return q;
      if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
      return p;
    };
    return [hue(h + 1 / 3) * 255, hue(h) * 255, hue(h - 1 / 3) * 255];
  }
  return null;
}

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Contrast ratio of two CSS colours (hex, rgb() or hsl()); NaN when one is unreadable. */
export function contrastOf(a: string, b: string): number {
  const [x, y] = [parseColor(a), parseColor(b)];
  return x && y ? contrast(x, y) : Number.NaN;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** `color`, moved towards black or white until its contrast with `background` reaches `min`. */
export function adjustForContrast(color: string, background: string, min: number): string {
  const fg = parseColor(color);
  const bg = parseColor(background);
  if (!fg || !bg || contrast(fg, bg) >= min) return color;
  const target: Rgb = luminance(bg) > 0.5 ? [0, 0, 0] : [255, 255, 255];
  for (let t = 0.05; t <= 1; t += 0.05) {
    const mixed = fg.map((c, i) => c + ((target[i] ?? c) - c) * t) as Rgb;
    if (contrast(mixed, bg) >= min) return toHex(mixed);
  }
  return toHex(target);
}

/** The theme with every token colour at `min` contrast (4.6:1 leaves rounding room above AA). */
export function withAaContrast(theme: PrismTheme, min = 4.6): PrismTheme {
  const background = theme.plain.backgroundColor ?? '#ffffff';
  const fix = <S extends { color?: string }>(style: S): S =>
    style.color ? { ...style, color: adjustForContrast(style.color, background, min) } : style;
  return {
    plain: fix(theme.plain),
    styles: theme.styles.map((entry) => ({ ...entry, style: fix(entry.style) })),
  };
}
