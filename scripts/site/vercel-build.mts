// `npx tsx scripts/site/vercel-build.mts`: runs Vercel's own `vercel build`
// offline on the already built site, to get the Build Output API config
// (.vercel/output/config.json) Vercel would deploy: the routes of vercel.json
// plus the docusaurus-2 preset's.
//
// Found on this machine: `vercel@latest` (64.x) does not install from the
// registry reached here (a dependency version is missing); 48.9.2 installs and
// `vercel build` works offline given a local project link. The link is fake
// (no account involved): `vercel build` only reads its `settings`. The build
// runs in a throw-away copy whose buildCommand is a no-op, so build/ (made by
// `npm run build`) is what gets packaged. Then:
//
//   npm run serve -- --build-output .vercel/output
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const VERCEL = 'vercel@48.9.2';
const root = process.cwd();

function main(): void {
  if (!existsSync(path.join(root, 'build', 'index.html'))) {
    throw new Error('build/index.html not found: run `npm run build` first');
  }
  const work = mkdtempSync(path.join(tmpdir(), 'vercel-build-'));
  try {
    const config = JSON.parse(readFileSync(path.join(root, 'vercel.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    config.buildCommand = 'echo "using the existing build/"';
    config.installCommand = 'echo "using the existing node_modules"';
    writeFileSync(path.join(work, 'vercel.json'), JSON.stringify(config, null, 2));
    cpSync(path.join(root, 'package.json'), path.join(work, 'package.json'));
    cpSync(path.join(root, 'build'), path.join(work, 'build'), { recursive: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'));
    mkdirSync(path.join(work, '.vercel'));
    writeFileSync(
      path.join(work, '.vercel', 'project.json'),
      JSON.stringify({
        projectId: 'prj_local_offline',
        orgId: 'team_local_offline',
        settings: { framework: config.framework, outputDirectory: config.outputDirectory },
      }),
    );
    const result = spawnSync('npx', ['-y', VERCEL, 'build', '--yes'], {
      cwd: work,
      stdio: 'inherit',
      env: { ...process.env, VERCEL_TELEMETRY_DISABLED: '1' },
    });
    if (result.status !== 0) {
      throw new Error(`\`npx ${VERCEL} build\` failed (exit ${result.status}) in ${work}`);
    }
    const out = path.join(root, '.vercel', 'output');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(path.dirname(out), { recursive: true });
    cpSync(path.join(work, '.vercel', 'output'), out, { recursive: true });
    console.log(`Build Output written to ${path.relative(root, out)}/`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
