// The page's shim server: `thv` and `kubectl` on the page's PATH are tiny
// bash scripts that send their command line here over a unix socket.
import http from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ShimRequest {
  args: string[];
  cwd: string;
  stdinFile?: string;
  /** TOOLHIVE_* variables of the calling shell (thv reads its secret from there). */
  env: Record<string, string>;
}
export interface ShimResult {
  code: number;
  stdout?: string;
  stderr?: string;
}
export type ShimTool = (req: ShimRequest) => Promise<ShimResult>;

export async function startShimServer(
  socketPath: string,
  tools: Record<string, ShimTool>,
): Promise<{ close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const tool = tools[(req.url ?? '').slice(1)];
        const raw = Buffer.concat(chunks).toString();
        const args = raw === '' ? [] : raw.split('\0').slice(0, -1);
        const stderrFile = String(req.headers['x-stderr-file'] ?? '');
        const stdinFile = String(req.headers['x-stdin-file'] ?? '') || undefined;
        let result: ShimResult;
        try {
          result = tool
            ? await tool({
                args,
                cwd: String(req.headers['x-cwd'] ?? '/'),
                env: parseEnv(String(req.headers['x-env'] ?? '')),
                ...(stdinFile ? { stdinFile } : {}),
              })
            : { code: 127, stderr: `no shim for ${req.url}\n` };
        } catch (err) {
          result = { code: 1, stderr: `${(err as Error).message}\n` };
        }
        if (stderrFile && result.stderr) await writeFile(stderrFile, result.stderr);
        res.writeHead(200 + Math.min(99, Math.max(0, result.code)), {
          'content-type': 'text/plain',
        });
        res.end(result.stdout ?? '');
      })();
    });
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    // a shim call still waiting (e.g. `thv run` on a proxy that never answers) must not hold the page open
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function readInput(file: string, req: ShimRequest): Promise<string> {
  return readFile(
    file === '-' && req.stdinFile ? req.stdinFile : path.resolve(req.cwd, file),
    'utf8',
  );
}

function parseEnv(b64: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of Buffer.from(b64, 'base64').toString().split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
