// The project's own CLIs (reference proxy, mock IdP, example servers),
// bundled with esbuild. A process started from a bundle runs the same source
// as `tsx <cli>.mts`, without tsx's loader and without resolving hundreds of
// module files: it starts in a third of the time, and a doctest run starts
// about a dozen of them.
//
// Bundling takes seconds (a 2-core machine under load: 2.5–4.5 s), so the
// bundles are cached in node_modules/.cache/doctest-bundles/, keyed by what
// went into them: the content of every project file esbuild read, the size
// and mtime of every package file, package-lock.json, Node's and esbuild's
// versions. Any change to any of them rebuilds before the run uses a bundle.
//
// The same bundles back `npm run NAME -- ARGS…` in pages whose plan links the
// checkout (`repo: true`): `scripts/doctest/bin/npm` runs the script that
// package.json names, when that script is exactly `tsx <bundled cli>`, and
// hands every other npm command line to the real npm.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild';

/** The CLIs samples and shims start, repository-relative (and the npm build of jq, tools/jq.mts). */
export const BUNDLED_CLIS = [
  'scripts/token-exchange-proxy/cli.mts',
  'scripts/mock-idp/cli.mts',
  'scripts/example-mcp-server/cli.mts',
  'scripts/doctest/tools/jq.mts',
] as const;

export interface Bundles {
  /** Repository-relative CLI path → absolute path of its bundle. */
  byEntry: Map<string, string>;
  /** Directory of `npm run` fast paths: one executable per package.json script, named after it. */
  npmRunDir: string;
  /** package.json script name → the CLI it runs (only scripts that are exactly `tsx <cli>`). */
  npmScripts: Record<string, string>;
  /** Whether this run built the bundles (false: the cache was up to date). */
  built: boolean;
  /** Directory holding `jq`, the npm build (tools/jq.mts), for a PATH without jq. */
  jqDir: string;
}

// ESM output; bundled CommonJS dependencies (pino, prom-client …) call require()
// for Node built-ins, which ESM lacks: give the bundle a real one.
const BANNER =
  "import { createRequire as __doctestCreateRequire } from 'node:module'; const require = __doctestCreateRequire(import.meta.url);";

const options = (root: string, outdir: string): BuildOptions => ({
  absWorkingDir: root,
  entryPoints: BUNDLED_CLIS.map((e) => ({ in: e, out: e.replace(/\.mts$/, '') })),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: BANNER },
  // jq-web loads jq.wasm from beside its own file: resolved from node_modules at run time
  external: ['jq-web'],
  metafile: true,
  logLevel: 'silent',
});

interface Manifest {
  /** Repository-relative input → its fingerprint. */
  inputs: Record<string, string>;
  salt: string;
}

/** Build (or reuse) the bundles; `runDir` gets the run's `npm run` fast paths. */
export async function buildBundles(root: string, runDir: string): Promise<Bundles> {
  const cacheRoot = path.join(root, 'node_modules/.cache/doctest-bundles');
  const salt = fingerprintSalt(root);
  let dir = await upToDate(cacheRoot, root, salt);
  const built = dir === undefined;
  dir ??= await rebuild(cacheRoot, root, salt);
  const byEntry = new Map<string, string>(
    BUNDLED_CLIS.map((e) => [e, path.join(dir, e.replace(/\.mts$/, '.mjs'))]),
  );
  const npmRunDir = path.join(runDir, 'npm-run');
  await mkdir(npmRunDir, { recursive: true });
  const npmScripts = tsxScripts(root, byEntry);
  for (const [name, entry] of Object.entries(npmScripts)) {
    const file = path.join(npmRunDir, name);
    await writeFile(
      file,
      `#!/bin/sh\n# npm run ${name}: tsx ${entry}, bundled\nexec ${sh(process.execPath)} ${sh(byEntry.get(entry) as string)} "$@"\n`,
    );
    await chmod(file, 0o755);
  }
  const jqDir = path.join(runDir, 'jq-bin');
  await mkdir(jqDir, { recursive: true });
  await writeFile(
    path.join(jqDir, 'jq'),
    `#!/bin/sh\n# jq compiled to WebAssembly (npm jq-web): scripts/doctest/tools/jq.mts\nexec ${sh(process.execPath)} ${sh(byEntry.get('scripts/doctest/tools/jq.mts') as string)} "$@"\n`,
  );
  await chmod(path.join(jqDir, 'jq'), 0o755);
  return { byEntry, npmRunDir, npmScripts, built, jqDir };
}

/** What every bundle depends on besides its inputs. */
function fingerprintSalt(root: string): string {
  const h = createHash('sha256');
  h.update(`node ${process.version} esbuild ${esbuildVersion}\n`);
  h.update(JSON.stringify(options(root, '')));
  for (const f of ['package-lock.json', 'tsconfig.json']) {
    if (existsSync(path.join(root, f))) h.update(readFileSync(path.join(root, f)));
  }
  return h.digest('hex');
}

/** Project files by content; package files by size and mtime (npm never edits them in place). */
function fingerprint(root: string, input: string): string {
  const abs = path.join(root, input);
  try {
    if (input.split('/').includes('node_modules')) {
      const st = statSync(abs);
      return `${st.size}:${st.mtimeMs}`;
    }
    return createHash('sha256').update(readFileSync(abs)).digest('hex');
  } catch {
    return 'missing';
  }
}

async function upToDate(
  cacheRoot: string,
  root: string,
  salt: string,
): Promise<string | undefined> {
  try {
    const key = (await readFile(path.join(cacheRoot, 'latest'), 'utf8')).trim();
    const dir = path.join(cacheRoot, key);
    const m = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (m.salt !== salt) return undefined;
    for (const [input, fp] of Object.entries(m.inputs))
      if (fingerprint(root, input) !== fp) return undefined;
    for (const e of BUNDLED_CLIS)
      if (!existsSync(path.join(dir, e.replace(/\.mts$/, '.mjs')))) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

async function rebuild(cacheRoot: string, root: string, salt: string): Promise<string> {
  const tmp = path.join(cacheRoot, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let metafile;
  try {
    ({ metafile } = await build(options(root, tmp)));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(
      `could not bundle the project's CLIs (${BUNDLED_CLIS.join(', ')}) with esbuild: ${(err as Error).message}\n` +
        'Check that they compile (`npx tsc --noEmit`) and that esbuild is installed (`npm ci`).',
    );
  }
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(metafile?.inputs ?? {}).sort())
    inputs[input] = fingerprint(root, input);
  const manifest: Manifest = { inputs, salt };
  const key = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 16);
  await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
  const dir = path.join(cacheRoot, key);
  // another run may have built the same bundles meanwhile: theirs are as good
  await rename(tmp, dir).catch(() => rm(tmp, { recursive: true, force: true }));
  const latest = path.join(cacheRoot, `latest.${process.pid}.tmp`);
  await writeFile(latest, `${key}\n`);
  await rename(latest, path.join(cacheRoot, 'latest'));
  await pruneOld(cacheRoot, key);
  return dir;
}

/** Old builds (and left-over temp dirs) an hour after they were replaced; a run in progress may still use one. */
async function pruneOld(cacheRoot: string, keep: string): Promise<void> {
  for (const name of await readdir(cacheRoot).catch(() => [] as string[])) {
    if (name === keep || name === 'latest' || name.endsWith('.tmp')) continue;
    const p = path.join(cacheRoot, name);
    const st = await stat(p).catch(() => undefined);
    if (st?.isDirectory() && Date.now() - st.mtimeMs > 3_600_000)
      await rm(p, { recursive: true, force: true });
  }
}

/** Scripts of the root package.json that are exactly `tsx <one of the bundled CLIs>`. */
export function tsxScripts(root: string, byEntry: Map<string, string>): Record<string, string> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const out: Record<string, string> = {};
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    const m = /^tsx (\S+\.mts)$/.exec(command.trim());
    if (m && byEntry.has(m[1] as string) && /^[\w:-]+$/.test(name)) out[name] = m[1] as string;
  }
  return out;
}

/** The npm the page's `npm` hands over to: the first `npm` on PATH outside `skipDir`. */
export function realNpm(pathVar: string, skipDir: string): string | undefined {
  for (const d of pathVar.split(':')) {
    if (!d || path.resolve(d) === path.resolve(skipDir)) continue;
    const f = path.join(d, 'npm');
    if (existsSync(f)) return f;
  }
  return undefined;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
