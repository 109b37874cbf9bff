// npm run doctest [-- paths…] [--watch] [--grep PATTERN] [--concurrency N]
import { watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { extractPage } from './extract.mts';
import { findPages } from './pages.mts';
import { failureBlock, progressLine, summaryLine } from './print.mts';
import { githubAnnotation, writeReports, type Report } from './report.mts';
import { runDoctests } from './run.mts';
import { preflight, preflightMessage } from './preflight.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const USAGE = `usage: npm run doctest [-- [paths…] [--watch] [--grep PATTERN] [--concurrency N] [--report-dir DIR]]
  paths        pages or folders (default: docs/); partials run inside the pages that import them
  --grep P     only pages whose path, or one of whose samples' id, title or text, matches the regular expression P
  --watch      run again when a page, a partial or a plan changes
  --bail       stop each page at its first failing sample`;

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        watch: { type: 'boolean', default: false },
        bail: { type: 'boolean', default: false },
        grep: { type: 'string' },
        concurrency: { type: 'string' },
        'report-dir': { type: 'string', default: 'reports/doctest' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`doctest: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

function selectPages(positionals: string[], grep: string | undefined): string[] {
  const pages = findPages(root, positionals);
  if (!grep) return pages;
  const re = new RegExp(grep);
  return pages.filter((p) => {
    if (re.test(path.relative(root, p))) return true;
    try {
      return extractPage(p, root).some(
        (s) => re.test(s.id) || re.test(s.title ?? '') || re.test(s.text),
      );
    } catch {
      return true; // let the run report the parse error
    }
  });
}

async function once(
  positionals: string[],
  grep: string | undefined,
  concurrency: number | undefined,
  reportDir: string,
  signal: AbortSignal,
  bail = false,
): Promise<Report> {
  const pages = selectPages(positionals, grep);
  if (pages.length === 0) console.log('doctest: no pages selected');
  const report = await runDoctests({
    root,
    pages,
    signal,
    bail,
    ...(concurrency ? { concurrency } : {}),
    onPage: (page, samples) => console.log(progressLine(page, samples)),
  });
  const texts = new Map<string, string>();
  for (const p of pages) for (const s of safeExtract(p)) texts.set(s.id, s.text);
  const failures = report.samples.filter((s) => s.status === 'failed');
  if (failures.length > 0) {
    console.log('');
    for (const f of failures) console.log(`${failureBlock(f, texts.get(f.id))}\n`);
  }
  if (process.env['GITHUB_ACTIONS']) {
    for (const f of failures)
      console.log(githubAnnotation(f.file, f.failureLine ?? f.line, f.reason ?? 'failed'));
    for (const p of report.pages.filter((x) => x.error))
      console.log(githubAnnotation(p.page, 1, p.error as string));
  }
  const files = await writeReports(report, path.resolve(root, reportDir));
  console.log(summaryLine(report));
  console.log(`report: ${path.relative(root, files.json)}, ${path.relative(root, files.junit)}`);
  return report;
}

function safeExtract(p: string) {
  try {
    return extractPage(p, root);
  } catch {
    return [];
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parse();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const tools = preflight();
  const missing = preflightMessage(tools);
  if (missing) {
    console.error(missing);
    process.exitCode = 2;
    return;
  }
  if (tools.jqFromNpm)
    console.log('doctest: no jq on PATH: samples get jq 1.7 compiled to WebAssembly (npm jq-web)');
  const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (sig: string) => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    console.error(`\ndoctest: ${sig}: stopping servers and removing workspaces…`);
    controller.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const runOnce = () =>
    once(
      positionals,
      values.grep,
      concurrency,
      values['report-dir'],
      controller.signal,
      values.bail,
    );

  if (!values.watch) {
    const report = await runOnce();
    process.exitCode = controller.signal.aborted ? 130 : report.ok ? 0 : 1;
    return;
  }
  let running = false;
  let again = false;
  const go = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await runOnce();
    } catch (err) {
      console.error(`doctest: ${(err as Error).message}`);
    }
    running = false;
    console.log('doctest: watching docs/ for changes (Ctrl-C to stop)');
    if (again) {
      again = false;
      void go();
    }
  };
  let timer: NodeJS.Timeout | undefined;
  watch(path.join(root, 'docs'), { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void go(), 200);
  });
  controller.signal.addEventListener('abort', () => process.exit(130));
  await go();
}

main().catch((err: unknown) => {
  console.error(`doctest: ${(err as Error).message}`);
  process.exitCode = 2;
});
