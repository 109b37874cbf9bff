// The CSP in vercel.json allows every inline script of the build by hash, and
// nothing inline beyond that ('unsafe-inline' is off for scripts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cspDirective,
  cspHash,
  inlineScripts,
  vercelCsp,
  withScriptHashes,
} from '../../scripts/site/csp.mts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const policy = vercelCsp(readFileSync(path.join(root, 'vercel.json'), 'utf8')) ?? '';
const buildDir = path.join(root, 'build');

describe('Content-Security-Policy in vercel.json', () => {
  it('allows scripts only from the site itself and by hash', () => {
    const scriptSrc = cspDirective(policy, 'script-src') ?? [];
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    for (const source of scriptSrc.filter((s) => s !== "'self'")) {
      expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    }
  });

  it('locks down objects, framing, base URI and forms', () => {
    expect(cspDirective(policy, 'object-src')).toEqual(["'none'"]);
    expect(cspDirective(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(cspDirective(policy, 'base-uri')).toEqual(["'self'"]);
    expect(cspDirective(policy, 'form-action')).toEqual(["'self'"]);
    expect(cspDirective(policy, 'default-src')).toEqual(["'self'"]);
  });

  it('hashes a script the way browsers do (UTF-8, base64)', () => {
    // Known vector: sha256("") in base64.
    expect(cspHash('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(
      withScriptHashes("default-src 'self'; script-src 'self' 'unsafe-inline'", ["'sha256-x'"]),
    ).toBe("default-src 'self'; script-src 'self' 'sha256-x'");
  });

  it.skipIf(!existsSync(path.join(buildDir, 'index.html')))(
    'allows every inline <script> in build/**/*.html (skipped: no build/, run `npm run build`)',
    () => {
      const allowed = new Set(cspDirective(policy, 'script-src'));
      const scripts = inlineScripts(buildDir);
      expect(scripts.length, 'Docusaurus inlines its colour-mode script').toBeGreaterThan(0);
      const blocked = scripts
        .filter((s) => !allowed.has(s.hash))
        .map((s) => `${s.file}: ${s.hash} (${s.snippet}…)`);
      expect(
        blocked,
        'inline scripts the CSP would block: run `npx tsx scripts/site/csp.mts --write`',
      ).toEqual([]);
    },
  );
});
