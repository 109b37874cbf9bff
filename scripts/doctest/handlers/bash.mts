// bash samples: run in the page's persistent shell, in page order, with
// `set -uo pipefail` and errexit semantics, placeholders bound by the plan,
// `thv`/`kubectl` shims on PATH and vendor hosts routed to the mock IdP.
import { symlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Handler, PageContext } from '../context.mts';
import type { Sample } from '../extract.mts';
import { bindPlaceholders, missingMessage } from '../placeholders.mts';
import { pageServices, placeholderValues } from '../services.mts';
import { PageShell } from '../shell.mts';
import { startShimServer } from '../shims/server.mts';
import { thvShim } from '../shims/thv.mts';
import { kubectlShim } from '../shims/kubectl.mts';
import type { Outcome } from '../status.mts';

export async function pageShell(ctx: PageContext): Promise<PageShell> {
  const existing = ctx.services['shell'] as Promise<PageShell> | undefined;
  if (existing) return existing;
  const p = (async () => {
    const svc = await pageServices(ctx);
    const sock = path.join(ctx.workspace, '.doctest-shim.sock');
    const shim = await startShimServer(sock, { thv: thvShim(ctx), kubectl: kubectlShim(ctx) });
    ctx.cleanups.push(() => shim.close());
    if (ctx.plan.repo) {
      // samples that run the project's own npm scripts, as from a clone
      for (const f of ['package.json', 'node_modules', 'scripts', 'tsconfig.json']) {
        await symlink(path.join(ctx.root, f), path.join(ctx.workspace, f)).catch(() => {});
      }
    }
    const shell = new PageShell(ctx.workspace, { ...svc.env, DOCTEST_SHIM_SOCK: sock });
    ctx.cleanups.push(() => shell.stop());
    if (ctx.plan.setup) {
      const values = await placeholderValues(ctx);
      const setup = bindPlaceholders(ctx.plan.setup, values);
      if (setup.missing.length > 0) throw new Error(missingMessage(setup.missing, ctx.page));
      const r = await shell.run(setup.text, ctx.plan.timeout * 1000);
      if (r.exitCode !== 0)
        throw new Error(`the plan's hidden setup failed (exit ${r.exitCode}):\n${r.output}`);
    }
    return shell;
  })();
  ctx.services['shell'] = p;
  return p;
}

function timeoutOf(sample: Sample, ctx: PageContext): number {
  const meta = sample.meta['doctest-timeout'];
  if (typeof meta === 'string' && Number(meta) > 0) return Number(meta);
  return ctx.anchors.samples.get(sample.id)?.timeout ?? ctx.plan.timeout;
}

export const bashHandler: Handler = async (sample, ctx): Promise<Outcome> => {
  const values = await placeholderValues(ctx);
  const bound = bindPlaceholders(sample.text, values);
  if (bound.missing.length > 0)
    return { status: 'failed', message: missingMessage(bound.missing, ctx.page) };
  const shell = await pageShell(ctx);
  const timeout = timeoutOf(sample, ctx);
  {
    const step = ctx.anchors.before.get(sample.id);
    const hidden = step && bindPlaceholders(step, values).text;
    if (hidden) {
      const r = await shell.run(hidden, timeout * 1000);
      if (r.exitCode !== 0) {
        return {
          status: 'failed',
          message: `the plan's hidden step before this sample failed (exit ${r.exitCode})`,
          command: hidden,
          output: r.output,
        };
      }
    }
  }
  if (sample.meta['doctest-background'] !== undefined)
    return background(sample, bound.text, shell, ctx, timeout);
  const r = await shell.run(bound.text, timeout * 1000);
  ctx.lastShell = { sample, command: bound.text, output: r.output, exitCode: r.exitCode };
  if (r.timedOut) {
    return {
      status: 'failed',
      message: `timed out after ${timeout} s (doctest-timeout=${timeout}); the command did not finish — a server in the foreground needs doctest-background`,
      command: bound.text,
      output: r.output,
    };
  }
  if (r.shellDied) {
    return {
      status: 'failed',
      message: `the shell exited (status ${r.exitCode}): an unbound variable under set -u, or exit`,
      command: bound.text,
      output: r.output,
    };
  }
  const expected =
    typeof sample.meta['doctest-exit'] === 'string' ? Number(sample.meta['doctest-exit']) : 0;
  if (r.exitCode !== expected) {
    return {
      status: 'failed',
      message:
        expected === 0
          ? `exited with status ${r.exitCode}`
          : `exited with status ${r.exitCode}, the page says ${expected} (doctest-exit)`,
      command: bound.text,
      output: r.output,
    };
  }
  return { status: 'passed', kind: 'run' };
};

async function background(
  sample: Sample,
  text: string,
  shell: PageShell,
  ctx: PageContext,
  timeout: number,
): Promise<Outcome> {
  const meta = sample.meta['doctest-port'];
  const forward = /\bport-forward\b.*?\s(\d+):\d+/.exec(text);
  const ports = [...text.matchAll(/--port[= ](\d+)/g)].map((m) => Number(m[1]));
  const port =
    typeof meta === 'string'
      ? Number(meta)
      : forward
        ? Number(forward[1])
        : ports[ports.length - 1];
  const svc = await pageServices(ctx);
  const log = `.doctest/background-${sample.line}.log`;
  const r = await shell.run(`( ${text}\n) > ${log} 2>&1 < /dev/null &\n__doctest_bg_pid=$!`, 5000);
  if (r.exitCode !== 0)
    return {
      status: 'failed',
      message: `could not start in the background (exit ${r.exitCode})`,
      command: text,
      output: r.output,
    };
  if (port === undefined) {
    return {
      status: 'failed',
      message:
        'doctest-background needs a port to wait for: --port N in the command, or doctest-port=N',
    };
  }
  const deadline = Date.now() + timeout * 1000;
  let exited = false;
  while (Date.now() < deadline) {
    // a port-forward listens on the page's virtual localhost (the host proxy), not on a real port
    if (forward ? svc.hostProxy.isMapped(`localhost:${port}`) : await listening(port))
      return { status: 'passed', kind: 'run' };
    const alive = await shell.run('kill -0 "$__doctest_bg_pid" 2>/dev/null', 2000);
    if (alive.exitCode !== 0) {
      exited = true;
      break;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  const out = await shell.run(`cat ${log}`, 2000);
  return {
    status: 'failed',
    message: exited
      ? `the background command exited before it listened on port ${port}`
      : `the background command did not listen on port ${port} within ${timeout} s`,
    command: text,
    output: out.output,
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
