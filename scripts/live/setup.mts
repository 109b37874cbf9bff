// npm run live:setup — installs what the live tier needs that npm does not:
// the ToolHive CLI at the pinned release (install-thv.mts) and the container
// images' root file systems (images.mts), all in the live cache outside the
// repository. Run again at any time: what is up to date is reused.
//
//   npm run live:setup              thv and the images
//   npm run live:setup -- --thv     thv only
import { performance } from 'node:perf_hooks';
import { installThv } from './install-thv.mts';
import { defaultBackendConfig, imageTarballs } from './images.mts';
import { liveCacheDir } from './paths.mts';

const log = (line: string) => process.stdout.write(`live:setup: ${line}\n`);

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== '--thv');
  if (unknown.length > 0) {
    process.stderr.write(
      `live:setup: error: unknown argument ${unknown[0]}\nUsage: npm run live:setup [-- --thv]\n`,
    );
    process.exit(2);
  }
  const t0 = performance.now();
  log(`cache: ${liveCacheDir()}`);
  const thv = await installThv(log);
  const t1 = performance.now();
  log(
    `thv ${thv.version} at ${thv.thv}: ${thv.path === 'reused' ? 'reused' : 'installed'} (${thv.note}) in ${((t1 - t0) / 1000).toFixed(1)} s`,
  );
  if (argv.includes('--thv')) return;
  const images = await imageTarballs(await defaultBackendConfig());
  for (const i of images) log(`image ${i.name}: ${i.ref} (${i.tar})`);
  log(`images ready in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`live:setup: error: ${(e as Error).message}\n`);
  process.exit(1);
});
