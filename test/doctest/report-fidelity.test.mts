// The report's fidelity block: the figure `npm run fidelity` measured, carried
// only when it compared against the release the guides are written for.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fidelityBlock } from '../../scripts/doctest/report.mts';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

async function tree(fidelity?: Record<string, unknown>): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'report-fidelity-'));
  await writeFile(
    path.join(dir, 'toolhive-release.json'),
    await readFile(path.join(root, 'toolhive-release.json')),
  );
  if (fidelity) {
    await mkdir(path.join(dir, 'reports/live'), { recursive: true });
    await writeFile(path.join(dir, 'reports/live/fidelity.json'), JSON.stringify(fidelity));
  }
  return dir;
}

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fidelity block', () => {
  const pinned = async () =>
    (
      JSON.parse(await readFile(path.join(root, 'toolhive-release.json'), 'utf8')) as {
        toolhive: string;
      }
    ).toolhive;

  it('carries the measured figure, and nothing of the cases', async () => {
    const toolhive = await pinned();
    const at = await tree({
      toolhive,
      agree: 50,
      total: 57,
      skipped: 14,
      generatedAt: '2026-12-02T01:00:00.000Z',
      thv: '/somewhere/thv',
      cases: [{ id: 'x' }],
    });
    expect(fidelityBlock(at)).toEqual({
      fidelity: {
        toolhive,
        agree: 50,
        total: 57,
        skipped: 14,
        generatedAt: '2026-12-02T01:00:00.000Z',
      },
    });
  });

  it('has no block without a run, or for another thv release', async () => {
    expect(fidelityBlock(await tree())).toEqual({});
    await rm(dir, { recursive: true, force: true });
    const other = await tree({
      toolhive: 'v0.1.0',
      agree: 1,
      total: 1,
      skipped: 0,
      generatedAt: '2026-12-02T01:00:00.000Z',
    });
    expect(fidelityBlock(other)).toEqual({});
  });
});
