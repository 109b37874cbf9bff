// `npm run serve [-- --port N] [-- --dir build] [-- --build-output .vercel/output]`
//
// Serves the built site on 127.0.0.1 the way Vercel would: vercel.json's
// redirects, headers, cleanUrls and trailingSlash (through Vercel's own
// @vercel/routing-utils), with gzip/brotli compression. With --build-output it
// serves what `vercel build` wrote (`static/` + `config.json` routes) instead.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { routesFromBuildOutput, routesFromVercelJson } from './vercel-routing.mts';
import { startSiteServer } from './static-server.mts';

const USAGE =
  'usage: npm run serve -- [--port N] [--dir build] [--vercel-json vercel.json] [--build-output .vercel/output]';

function fail(message: string): never {
  process.stderr.write(`serve: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parsePort(value: string | undefined, where: string): number {
  if (value === undefined) return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`${where}: "${value}" is not a port number (0–65535; 0 picks a free one)`);
  }
  return port;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        dir: { type: 'string', default: 'build' },
        'vercel-json': { type: 'string', default: 'vercel.json' },
        'build-output': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = values.port
    ? parsePort(values.port, '--port')
    : parsePort(process.env.PORT, 'PORT environment variable');

  let root: string;
  let routes;
  if (values['build-output']) {
    const dir = path.resolve(values['build-output']);
    routes = routesFromBuildOutput(dir);
    if (!routes) fail(`--build-output ${dir}: no config.json there; run \`vercel build\` first`);
    root = path.join(dir, 'static');
  } else {
    root = path.resolve(values.dir);
    const vercelJson = path.resolve(values['vercel-json']);
    if (!existsSync(vercelJson)) fail(`--vercel-json ${vercelJson}: file not found`);
    routes = routesFromVercelJson(vercelJson);
  }
  if (!existsSync(path.join(root, 'index.html'))) {
    fail(`${root}: no built site there (index.html missing); run \`npm run build\` first`);
  }

  let server;
  try {
    server = await startSiteServer({ root, routes, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(
      code === 'EADDRINUSE'
        ? `port ${port} on 127.0.0.1 is in use; pass --port N (or PORT=N), 0 for any free port`
        : (error as Error).message,
    );
  }
  process.stdout.write(
    `Serving ${path.relative(process.cwd(), root) || '.'} with routes from ${path.relative(process.cwd(), routes.source)} at ${server.url}/\n`,
  );
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
