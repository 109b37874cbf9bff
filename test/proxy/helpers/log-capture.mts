// Collects a proxy's pino lines so a test can check that no secret leaked.
import { expect } from 'vitest';

export class LogCapture {
  readonly lines: string[] = [];
  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }
  text(): string {
    return this.lines.join('');
  }
  /** Fails when any of the given secrets (or a long-enough piece of one) is in the logs. */
  expectNoSecrets(secrets: Iterable<string>): void {
    const text = this.text();
    for (const secret of secrets) {
      if (!secret) continue;
      const at = text.indexOf(secret);
      expect(
        at,
        `a secret/token appears in the logs: …${text.slice(Math.max(0, at - 200), at)}`,
      ).toBe(-1);
      // A JWT's signature alone is as good as the token for some attacks: check it too.
      const sig = secret.split('.')[2];
      if (sig && sig.length > 20)
        expect(text.includes(sig), 'a JWT signature appears in the logs').toBe(false);
    }
  }
}
