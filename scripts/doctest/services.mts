// Per-page services, started on first use: placeholder values (minted tokens
// need the mock IdP), the mock IdP, the example MCP server and backend API.
import type { PageContext } from './context.mts';

export async function placeholderValues(ctx: PageContext): Promise<Record<string, string>> {
  const cached = ctx.services['placeholders'] as Record<string, string> | undefined;
  if (cached) return cached;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.plan.bind)) if (typeof v === 'string') out[k] = v;
  ctx.services['placeholders'] = out;
  return out;
}
