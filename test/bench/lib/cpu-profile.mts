// Reads the V8 CPU profiles that `node --cpu-prof` writes and says where a
// server's CPU time went: self time by area (the project's own modules,
// undici, prom-client, node:http, crypto, GC …) and the top functions. Start-up
// (module loading, tsx) and idle time are left out, so that what remains is
// the cost of serving requests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Microseconds of self time that served requests (idle and start-up excluded). */
  busyUs: number;
  byArea: [string, number][];
  topFunctions: [string, number][];
}

const STARTUP = /node:internal\/(modules|bootstrap)|\/tsx\/dist\/|cjs-module-lexer/;

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'V8 (program)';
  if (!url) return `native (${fn})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const own = /\/(scripts|test)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.replace(/^node:internal\//, 'node:').replace(/^node:(streams|http)\/.*/, 'node:$1');
}

/** Summarises every `.cpuprofile` in `dir` (the busiest thread: the main one). */
export function summariseProfiles(dir: string, top = 20): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  let best: ProfileSummary | undefined;
  for (const f of files) {
    const p = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const areas = new Map<string, number>();
    const fns = new Map<string, number>();
    let busy = 0;
    p.samples.forEach((id, i) => {
      const n = byId.get(id);
      const dt = p.timeDeltas[i] ?? 0;
      if (!n || n.callFrame.functionName === '(idle)' || STARTUP.test(n.callFrame.url)) return;
      busy += dt;
      const a = area(n.callFrame.url, n.callFrame.functionName);
      areas.set(a, (areas.get(a) ?? 0) + dt);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${a}:${n.callFrame.lineNumber + 1}`;
      fns.set(fn, (fns.get(fn) ?? 0) + dt);
    });
    const sorted = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]).slice(0, top);
    const s = { busyUs: busy, byArea: sorted(areas), topFunctions: sorted(fns) };
    if (!best || s.busyUs > best.busyUs) best = s;
  }
  if (!best) throw new Error(`no .cpuprofile in ${dir}`);
  return best;
}

export function printProfile(label: string, s: ProfileSummary, requests: number): void {
  const per = (us: number) => (requests ? us / requests : NaN);
  console.log(
    `\n${label}: ${(s.busyUs / 1000).toFixed(0)} ms busy for ${requests} requests = ${per(s.busyUs).toFixed(1)} µs/request`,
  );
  for (const [k, v] of s.byArea) {
    console.log(
      `  ${per(v).toFixed(1).padStart(6)} µs/req  ${((100 * v) / s.busyUs).toFixed(1).padStart(5)}%  ${k}`,
    );
  }
  console.log('  top functions:');
  for (const [k, v] of s.topFunctions.slice(0, 12)) {
    console.log(`  ${per(v).toFixed(1).padStart(6)} µs/req  ${k}`);
  }
}
