// The page worlds by tier (world.mts). The hermetic world is part of every
// checkout; the live one (scripts/doctest/worlds/live/index.mts, exporting
// `live: WorldModule`) is loaded only when a run asks for the live tier.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Tier, WorldModule } from '../world.mts';
import { hermetic } from './hermetic/index.mts';

const LIVE = path.join(import.meta.dirname, 'live/index.mts');

export async function loadWorld(tier: Tier): Promise<WorldModule | { reason: string }> {
  if (tier === 'hermetic') return hermetic;
  if (!existsSync(LIVE))
    return { reason: 'this checkout has no live world (scripts/doctest/worlds/live/index.mts)' };
  const mod = (await import(pathToFileURL(LIVE).href)) as { live?: WorldModule };
  if (!mod.live)
    return { reason: `${path.relative(process.cwd(), LIVE)} exports no \`live\` world` };
  return mod.live;
}
