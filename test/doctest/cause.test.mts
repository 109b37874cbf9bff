// A failure points at its cause: an earlier sample's line that set what the
// failing one used (a heredoc's value here; manifests, thv flags and files
// written under another name are in the mutation self-tests).
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { missingFiles } from '../../scripts/doctest/cause.mts';
import { runDoctests } from '../../scripts/doctest/run.mts';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures/cause', name);

describe('likely cause', () => {
  it("names the heredoc's line that wrote the value the failure names", async () => {
    const report = await runDoctests({ root, pages: [fixture('heredoc.mdx')] });
    const failed = report.samples[1];
    expect(failed?.status).toBe('failed');
    expect(failed?.cause).toMatchObject({
      line: 6,
      what: 'writes scope: api:raed into exchange.conf',
    });
    expect(failed?.reason).toMatch(/likely cause: test\/doctest\/fixtures\/cause\/heredoc\.mdx:6/);
  });

  it('says what the proxy log says when a wait loop times out on a workload that never came up', async () => {
    const report = await runDoctests({ root, pages: [fixture('workload-never-up.mdx')] });
    const [run, wait] = report.samples;
    expect(run?.status).toBe('passed'); // thv run returns 0; the detached runner fails later
    expect(wait?.status).toBe('failed');
    expect(wait?.reason).toMatch(/^timed out after 3 s/);
    expect(wait?.reason).toMatch(
      /proxy log \(thv logs never-up --proxy\) says: .*token-exchange-url/,
    );
    expect(wait?.reason).not.toMatch(/doctest-background/);
  });

  it('reads the missing path from the errors of Go, coreutils, kubectl and Node', () => {
    expect(
      missingFiles(
        [
          'Error: failed to read secret file a.txt: open a.txt: no such file or directory',
          'cat: b.yaml: No such file or directory',
          'error: the path "c.yaml" does not exist',
          "Error: ENOENT: no such file or directory, open 'd.json'",
        ].join('\n'),
      ),
    ).toEqual(['a.txt', 'b.yaml', 'c.yaml', 'd.json']);
  });
});
