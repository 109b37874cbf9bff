// The code themes in docusaurus.config.ts reach WCAG AA contrast for every
// token colour (axe's color-contrast rule fails the stock themes).
import { describe, expect, it } from 'vitest';
import { themes } from 'prism-react-renderer';
import { adjustForContrast, contrastOf, withAaContrast } from '../../src/prism/accessibleTheme.ts';

describe('withAaContrast', () => {
  for (const name of ['oneLight', 'oneDark'] as const) {
    it(`brings every ${name} token colour to at least 4.5:1`, () => {
      const stock = themes[name];
      const background = stock.plain.backgroundColor ?? '';
      const worstStock = Math.min(
        ...stock.styles.flatMap((s) =>
          s.style.color ? [contrastOf(s.style.color, background)] : [],
        ),
      );
      expect(worstStock, 'the stock theme really fails (else this fix is moot)').toBeLessThan(4.5);
      const fixed = withAaContrast(stock);
      for (const entry of [{ types: ['plain'], style: fixed.plain }, ...fixed.styles]) {
        if (!entry.style.color) continue;
        expect(
          contrastOf(entry.style.color, background),
          entry.types.join(','),
        ).toBeGreaterThanOrEqual(4.5);
      }
    });
  }

  it('leaves a colour that already passes unchanged', () => {
    expect(adjustForContrast('#000000', '#ffffff', 4.5)).toBe('#000000');
    expect(adjustForContrast('hsl(0, 0%, 0%)', 'hsl(0, 0%, 100%)', 4.5)).toBe('hsl(0, 0%, 0%)');
  });
});
