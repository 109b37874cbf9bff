// bash samples: run in the page's persistent shell, in page order, with
// `set -uo pipefail` and errexit semantics, placeholders bound by the plan,
// the world's `thv`/`kubectl` on PATH and vendor hosts routed to the mock IdP.
import type { Handler, PageContext } from '../context.mts';
import type { Sample } from '../extract.mts';
import { bindPlaceholders, missingMessage } from '../placeholders.mts';
import type { PageShell } from '../shell.mts';
import type { Outcome } from '../status.mts';
import { lastProxyLogError, likelyCause } from '../cause.mts';
import { recordShellFacts, recordVariables } from '../provenance.mts';

function timeoutOf(sample: Sample, ctx: PageContext): number {
  const meta = sample.meta['doctest-timeout'];
  if (typeof meta === 'string' && Number(meta) > 0) return Number(meta);
  return ctx.anchors.samples.get(sample.id)?.timeout ?? ctx.plan.timeout;
}

export const bashHandler: Handler = async (sample, ctx): Promise<Outcome> => {
  const values = await ctx.placeholders();
  const bound = bindPlaceholders(sample.text, values);
  if (bound.missing.length > 0)
    return { status: 'failed', message: missingMessage(bound.missing, ctx.page) };
  const shell = await ctx.shell();
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
  if (r.interrupted) return { status: 'interrupted' };
  const failed = (o: Extract<Outcome, { status: 'failed' }>): Promise<Outcome> =>
    likelyCause(o, sample, bound.text, ctx);
  if (r.timedOut) {
    // a loop that waits for a workload which never came up times out too: its proxy log says why
    const logged = await lastProxyLogError(ctx);
    return {
      status: 'failed',
      message: `timed out after ${timeout} s (doctest-timeout=${timeout}); the command did not finish — ${logged ?? 'a server in the foreground needs doctest-background'}`,
      command: bound.text,
      output: r.output,
    };
  }
  if (r.shellDied) {
    return failed({
      status: 'failed',
      message: `the shell exited (status ${r.exitCode}): an unbound variable under set -u, or exit`,
      command: bound.text,
      output: r.output,
    });
  }
  const expected =
    typeof sample.meta['doctest-exit'] === 'string' ? Number(sample.meta['doctest-exit']) : 0;
  if (r.exitCode !== expected) {
    return failed({
      status: 'failed',
      message:
        expected === 0
          ? `exited with status ${r.exitCode}`
          : `exited with status ${r.exitCode}, the page says ${expected} (doctest-exit)`,
      command: bound.text,
      output: r.output,
    });
  }
  await recordVariables(sample, bound.text, ctx);
  recordShellFacts(sample, bound.text, ctx);
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
  // a port something else already holds (another doctest run, a server left running) would
  // answer the wait below for a server that could not listen: the page's later samples then
  // talk to someone else's server, or fail in ways that look like a catch
  if (port !== undefined && !forward && (await ctx.world.reachable(port, 'listen')))
    return {
      status: 'failed',
      message: `port ${port} on 127.0.0.1 is already in use before this sample starts its server (another doctest run of this page, or a server left running); stop what listens there (ss -ltnp 'sport = :${port}' names it) and run again`,
      command: text,
    };
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
    if (await ctx.world.reachable(port, forward ? 'port-forward' : 'listen'))
      return { status: 'passed', kind: 'run' };
    if (ctx.signal.aborted) return { status: 'interrupted' };
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
