// The inline <script>s of the built site and the CSP hashes that allow them.
//
// Docusaurus inlines one script on every page (it sets the colour mode before
// first paint, so dark mode does not flash). vercel.json's CSP allows it by
// its sha256 hash instead of 'unsafe-inline'. When the script changes (a
// Docusaurus upgrade, a colorMode change), print the new value with
//
//   npx tsx scripts/site/csp.mts           # show hashes and what to change
//   npx tsx scripts/site/csp.mts --write   # update script-src in vercel.json
//
// JSON data blocks (`type="application/ld+json"`) are not executed, so CSP
// does not apply to them and they need no hash.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface InlineScript {
  file: string;
  hash: string;
  snippet: string;
}

const EXECUTABLE_TYPES = new Set([
  '',
  'text/javascript',
  'application/javascript',
  'module',
  'text/ecmascript',
  'application/ecmascript',
]);

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(full);
    return entry.name.endsWith('.html') ? [full] : [];
  });
}

/** `'sha256-…'` of a script's text, as CSP Level 2 §4.2.4 hashes it (UTF-8 bytes). */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Every executable inline script in `buildDir`'s HTML files. */
export function inlineScripts(buildDir: string): InlineScript[] {
  const scripts: InlineScript[] = [];
  for (const file of htmlFiles(buildDir)) {
    const html = readFileSync(file, 'utf8');
    for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script\s*>/gi)) {
      const attrs = match[1] ?? '';
      if (/\ssrc\s*=/i.test(attrs)) continue;
      const type = /\stype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase() ?? '';
      if (!EXECUTABLE_TYPES.has(type)) continue;
      const text = match[2] ?? '';
      scripts.push({
        file: path.relative(buildDir, file),
        hash: cspHash(text),
        snippet: text.slice(0, 80),
      });
    }
  }
  return scripts;
}

/** The sources of one directive of a CSP header value. */
export function cspDirective(policy: string, name: string): string[] | null {
  for (const part of policy.split(';')) {
    const [directive, ...sources] = part.trim().split(/\s+/);
    if (directive?.toLowerCase() === name) return sources;
  }
  return null;
}

/** vercel.json's Content-Security-Policy for `/(.*)`. */
export function vercelCsp(vercelJsonText: string): string | null {
  const config = JSON.parse(vercelJsonText) as {
    headers?: { source: string; headers: { key: string; value: string }[] }[];
  };
  for (const rule of config.headers ?? []) {
    const header = rule.headers.find((h) => h.key.toLowerCase() === 'content-security-policy');
    if (header) return header.value;
  }
  return null;
}

/** `policy` with script-src = 'self' + the given hashes (other directives kept). */
export function withScriptHashes(policy: string, hashes: string[]): string {
  const scriptSrc = ["'self'", ...[...new Set(hashes)].sort()].join(' ');
  const parts = policy.split(';').map((p) => p.trim());
  const index = parts.findIndex((p) => p.split(/\s+/)[0]?.toLowerCase() === 'script-src');
  if (index >= 0) parts[index] = `script-src ${scriptSrc}`;
  else parts.splice(1, 0, `script-src ${scriptSrc}`);
  return parts.filter(Boolean).join('; ');
}

function main(): void {
  const root = process.cwd();
  const buildDir = path.join(root, 'build');
  const vercelPath = path.join(root, 'vercel.json');
  const scripts = inlineScripts(buildDir);
  const hashes = [...new Set(scripts.map((s) => s.hash))];
  for (const hash of hashes) {
    const users = scripts.filter((s) => s.hash === hash);
    console.log(`${hash}  ${users.length} page(s), e.g. ${users[0]?.file}: ${users[0]?.snippet}…`);
  }
  const text = readFileSync(vercelPath, 'utf8');
  const policy = vercelCsp(text);
  if (!policy) throw new Error(`${vercelPath}: no Content-Security-Policy header`);
  const next = withScriptHashes(policy, hashes);
  if (next === policy) {
    console.log('vercel.json script-src already allows exactly these scripts.');
    return;
  }
  console.log(`\nscript-src should be: ${cspDirective(next, 'script-src')?.join(' ')}`);
  if (process.argv.includes('--write')) {
    writeFileSync(vercelPath, text.replace(JSON.stringify(policy), JSON.stringify(next)));
    console.log(`updated ${path.relative(root, vercelPath)}`);
  } else {
    console.log('run with --write to update vercel.json');
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
