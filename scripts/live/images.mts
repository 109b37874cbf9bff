// The container images the live tier runs. Nothing can be pulled on the
// project's machines, so each image is a root file system assembled from
// files on this machine (a binary plus the libraries `ldd` lists), tarred and
// `podman import`ed with a fixed, input-keyed tag (never `latest`):
//
//   example-mcp-server  node + an esbuild bundle of scripts/live/images/mcp-container.mts
//                       (the example MCP server and the example backend API, with
//                       the mock IdP's JWKS baked in)
//   egress-proxy        Debian's squid, entrypoint as ToolHive's own image
//                       (containers/egress-proxy/Dockerfile@v0.44.0: USER squid,
//                       `squid -N -d 1`); `thv run` uses it for the egress and the
//                       ingress proxy when network isolation is on (the default,
//                       cmd/thv/app/run_flags.go@v0.44.0), found through
//                       TOOLHIVE_EGRESS_IMAGE (pkg/container/docker/squid.go@v0.44.0)
//   dns                 Debian's dnsmasq, standing in for `dockurr/dnsmasq:latest`,
//                       the DNS container of an isolated workload
//                       (pkg/container/docker/client.go@v0.44.0 DnsImage; no
//                       variable overrides it, so the image is tagged with that name).
//                       It answers from nothing upstream (--no-resolv): the run is offline.
//
// Tarballs are cached in the live cache (paths.mts) under the key of their
// inputs: the files copied in (path, size, mtime), the bundle's bytes, the
// baked-in backend configuration and the recipe. A change to any rebuilds.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { imageCacheDir, REPO_ROOT } from './paths.mts';
import type { BakedBackendConfig } from './images/mcp-container.mts';

export interface ImageTarball {
  /** Stand-in name: example-mcp-server, egress-proxy, dns. */
  name: string;
  /** Local reference it is imported as: localhost/toolhive-docs/<name>:<key>. */
  ref: string;
  tar: string;
  /** `podman import --change` instructions. */
  changes: string[];
  /** Extra names the image must also carry (what ToolHive asks the runtime for). */
  aliases: string[];
}

const CONTAINER_DIR = '/opt/toolhive-docs';

/** Copies a binary and every library `ldd` lists into the root file system; returns what it copied. */
async function copyWithLibs(root: string, binary: string): Promise<string[]> {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const files = [binary, ...[...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string)];
  for (const f of files) {
    const dest = path.join(root, f);
    await mkdir(path.dirname(dest), { recursive: true });
    await cp(f, dest, { dereference: true });
  }
  return files;
}

function fileKey(files: string[]): string {
  return files
    .map((f) => {
      const st = statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    })
    .join('\n');
}

function lddClosure(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [binary, ...[...out.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string)];
}

const which = (name: string, dirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) =>
  dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));

interface Recipe {
  name: string;
  changes: string[];
  aliases: string[];
  /** Everything the tarball depends on, as text. */
  key: () => Promise<string>;
  assemble: (root: string) => Promise<void>;
}

const PASSWD = (extra: string) => `root:x:0:0:root:/root:/usr/sbin/nologin\n${extra}`;

function squidRecipe(): Recipe {
  const squid = which('squid');
  if (!squid) throw new Error('squid is not installed (Debian: apt-get install squid)');
  // pinger keeps its file capability (cap_net_raw), carried by the tarball's xattrs
  const helpers = ['unlinkd', 'pinger', 'log_file_daemon']
    .map((h) => `/usr/lib/squid/${h}`)
    .filter((p) => existsSync(p));
  const changes = ['USER proxy', 'ENTRYPOINT ["/usr/sbin/squid", "-N", "-d", "1"]'];
  return {
    name: 'egress-proxy',
    changes,
    aliases: [],
    key: async () =>
      [changes.join('\n'), fileKey([squid, ...helpers].flatMap(lddClosure))].join('\n'),
    async assemble(root) {
      for (const b of [squid, ...helpers]) await copyWithLibs(root, b);
      // squid's ICMP helper needs raw sockets: the capability Debian gives it
      const pinger = path.join(root, 'usr/lib/squid/pinger');
      if (existsSync(pinger)) execFileSync('setcap', ['cap_net_raw=ep', pinger]);
      // error page templates and the English texts; MIME table and icons
      for (const d of ['errors/templates', 'errors/en', 'icons', 'mime.conf']) {
        const src = path.join('/usr/share/squid', d);
        if (existsSync(src))
          await cp(src, path.join(root, 'usr/share/squid', d), {
            recursive: true,
            dereference: true,
          });
      }
      for (const d of ['etc/squid', 'var/log/squid', 'var/spool/squid', 'var/cache/squid', 'run'])
        await mkdir(path.join(root, d), { recursive: true });
      await writeFile(
        path.join(root, 'etc/passwd'),
        PASSWD('proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\n'),
      );
      await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nproxy:x:13:\n');
      for (const d of ['etc/squid', 'var/log/squid', 'var/spool/squid', 'var/cache/squid'])
        await chown(path.join(root, d), 13, 13);
    },
  };
}

function dnsRecipe(): Recipe {
  const dnsmasq = which('dnsmasq');
  if (!dnsmasq) throw new Error('dnsmasq is not installed (Debian: apt-get install dnsmasq-base)');
  const changes = [
    'ENTRYPOINT ["/usr/sbin/dnsmasq", "--keep-in-foreground", "--log-facility=-", "--no-resolv", "--no-hosts", "--user=root", "--pid-file"]',
  ];
  return {
    name: 'dns',
    changes,
    aliases: ['docker.io/dockurr/dnsmasq:latest'],
    key: async () => [changes.join('\n'), fileKey(lddClosure(dnsmasq))].join('\n'),
    async assemble(root) {
      await copyWithLibs(root, dnsmasq);
      await mkdir(path.join(root, 'var/lib/misc'), { recursive: true });
      await writeFile(path.join(root, 'etc/passwd'), PASSWD(''));
      await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
    },
  };
}

// ESM output; bundled CommonJS dependencies call require() for Node built-ins.
const BANNER =
  "import { createRequire as __liveCreateRequire } from 'node:module'; const require = __liveCreateRequire(import.meta.url);";

async function bundleMcpContainer(): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['scripts/live/images/mcp-container.mts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: BANNER },
    write: false,
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file)
    throw new Error('esbuild produced no bundle for scripts/live/images/mcp-container.mts');
  return file.contents;
}

function mcpRecipe(backend: BakedBackendConfig): Recipe {
  const node = process.execPath;
  let bundle: Promise<Uint8Array> | undefined;
  const getBundle = () => (bundle ??= bundleMcpContainer());
  const config = `${JSON.stringify(backend, null, 2)}\n`;
  const changes = [
    `ENTRYPOINT ["/usr/bin/node", "${CONTAINER_DIR}/mcp-container.mjs"]`,
    'ENV NODE_ENV=production',
  ];
  return {
    name: 'example-mcp-server',
    changes,
    aliases: [],
    key: async () =>
      [
        changes.join('\n'),
        fileKey(lddClosure(node)),
        createHash('sha256')
          .update(await getBundle())
          .digest('hex'),
        config,
      ].join('\n'),
    async assemble(root) {
      const files = await copyWithLibs(root, node);
      // the image's node lives at /usr/bin/node whatever its path here
      if (files[0] !== '/usr/bin/node') {
        await mkdir(path.join(root, 'usr/bin'), { recursive: true });
        await rename(path.join(root, files[0] as string), path.join(root, 'usr/bin/node'));
      }
      await mkdir(path.join(root, CONTAINER_DIR.slice(1)), { recursive: true });
      await writeFile(
        path.join(root, CONTAINER_DIR.slice(1), 'mcp-container.mjs'),
        await getBundle(),
      );
      await writeFile(path.join(root, CONTAINER_DIR.slice(1), 'backend.json'), config);
      await writeFile(path.join(root, 'etc/passwd'), PASSWD(''));
      await writeFile(path.join(root, 'etc/group'), 'root:x:0:\n');
    },
  };
}

async function tarball(recipe: Recipe, cacheDir: string): Promise<ImageTarball> {
  const key = createHash('sha256')
    // the recipe's own code is an input too: a changed recipe rebuilds
    .update(
      `${recipe.name}\n${recipe.assemble.toString()}\n${tarball.toString()}\n${await recipe.key()}`,
    )
    .digest('hex')
    .slice(0, 12);
  const tar = path.join(cacheDir, `${recipe.name}-${key}.tar`);
  const image: ImageTarball = {
    name: recipe.name,
    ref: `localhost/toolhive-docs/${recipe.name}:${key}`,
    tar,
    changes: recipe.changes,
    aliases: recipe.aliases,
  };
  if (existsSync(tar)) return image;
  await pruneTarballs(cacheDir, recipe.name);
  await mkdir(cacheDir, { recursive: true });
  const stage = await mkdtemp(path.join(cacheDir, `.stage-${recipe.name}-`));
  try {
    for (const d of ['tmp', 'etc', 'dev', 'proc', 'sys']) await mkdir(path.join(stage, d));
    await chmod(path.join(stage, 'tmp'), 0o1777);
    await writeFile(
      path.join(stage, 'etc/nsswitch.conf'),
      'passwd: files\ngroup: files\nhosts: files dns\n',
    );
    await recipe.assemble(stage);
    const partial = `${tar}.${process.pid}.partial`;
    execFileSync('tar', ['-C', stage, '--numeric-owner', '--xattrs', '-cf', partial, '.']);
    await rename(partial, tar);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
  return image;
}

/** Tarballs of an image's earlier inputs, an hour after they were replaced (a run may still import one). */
async function pruneTarballs(cacheDir: string, name: string): Promise<void> {
  for (const f of await readdir(cacheDir).catch(() => [] as string[])) {
    if (!f.startsWith(`${name}-`) || !f.endsWith('.tar')) continue;
    const p = path.join(cacheDir, f);
    if (Date.now() - statSync(p).mtimeMs > 3_600_000) await rm(p, { force: true });
  }
}

/** Builds (or finds in the cache) the tarballs of every image the live tier runs. */
export async function imageTarballs(backend: BakedBackendConfig): Promise<ImageTarball[]> {
  const dir = imageCacheDir();
  return Promise.all([mcpRecipe(backend), squidRecipe(), dnsRecipe()].map((r) => tarball(r, dir)));
}

/** The baked-in backend configuration: the example backend API's issuer and audience, and that issuer's JWKS as the mock IdP serves it. */
export async function defaultBackendConfig(
  issuer = 'https://dev-123456.okta.com/oauth2/aus9876543210',
  audience = 'backend-api',
): Promise<BakedBackendConfig> {
  const { startMockIdp } = await import('../mock-idp/index.mts');
  const idp = await startMockIdp({});
  try {
    const server = idp.server(issuer);
    const url = server.endpoints.jwks;
    if (!url) throw new Error(`the mock IdP's ${issuer} publishes no JWKS`);
    const res = await fetch(url);
    return { issuer, audience, jwks: (await res.json()) as BakedBackendConfig['jwks'] };
  } finally {
    await idp.close();
  }
}
