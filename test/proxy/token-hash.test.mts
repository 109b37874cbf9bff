import { describe, expect, it } from 'vitest';
import { credentialReader } from '../../scripts/token-exchange-proxy/token-hash.mts';
import { sha256 } from '../../scripts/token-exchange-proxy/token-validator.mts';

const parse = (h: string | undefined): string => {
  const m = /^bearer +(\S+)$/i.exec(h ?? '');
  if (!m) throw new Error(`refused: ${String(h)}`);
  return m[1] as string;
};

describe('credentialReader', () => {
  it('gives the token and its sha256, first time and again', () => {
    const read = credentialReader(parse);
    for (const t of ['a.b.c', 'a.b.c', 'x'.repeat(900), 'a.b.d']) {
      expect(read(`Bearer ${t}`)).toEqual({ token: t, hash: sha256(t) });
    }
  });

  it('gives one key for one token however the value spells the scheme', () => {
    const read = credentialReader(parse);
    expect(read('bearer   tok').hash).toBe(read('Bearer tok').hash);
  });

  it('keeps nothing it refused: the parse is asked again and refuses again', () => {
    let calls = 0;
    const read = credentialReader((h) => {
      calls++;
      return parse(h);
    });
    expect(() => read('Basic abc')).toThrow('refused');
    expect(() => read('Basic abc')).toThrow('refused');
    expect(() => read(undefined)).toThrow('refused');
    expect(calls).toBe(3);
    read('Bearer ok');
    read('Bearer ok');
    expect(calls).toBe(4);
  });

  it('stays bounded and still answers for values it forgot', () => {
    let calls = 0;
    const read = credentialReader((h) => {
      calls++;
      return parse(h);
    }, 3);
    const tokens = Array.from({ length: 10 }, (_, i) => `token-${i}`);
    for (const t of tokens) read(`Bearer ${t}`);
    // the first values were evicted; they are parsed and hashed again, unchanged
    for (const t of tokens) expect(read(`Bearer ${t}`)).toEqual({ token: t, hash: sha256(t) });
    expect(calls).toBe(20);
    read('Bearer token-9');
    expect(calls).toBe(20);
  });
});

describe('credentialReader on a connection', () => {
  it('answers a repeat on one connection without parsing, and a changed value afresh', () => {
    let calls = 0;
    const read = credentialReader((h) => {
      calls++;
      return parse(h);
    });
    const socket = {};
    expect(read('Bearer one', socket)).toEqual({ token: 'one', hash: sha256('one') });
    expect(read('Bearer one', socket)).toEqual({ token: 'one', hash: sha256('one') });
    expect(calls).toBe(1);
    // the same connection switches token: never the previous token's key
    expect(read('Bearer two', socket)).toEqual({ token: 'two', hash: sha256('two') });
    expect(read('Bearer one', socket).hash).toBe(sha256('one'));
    expect(() => read('Basic x', socket)).toThrow('refused');
    expect(() => read(undefined, socket)).toThrow('refused');
    // a refused value leaves the connection's last accepted one usable
    expect(read('Bearer one', socket).hash).toBe(sha256('one'));
    expect(calls).toBe(4);
  });
});
