// kubectl's flag values and the core kinds' schemas, as the shim and the YAML
// handler check them.
import { describe, expect, it } from 'vitest';
import { parseArgs, parseGoDuration } from '../../scripts/doctest/shims/kubectl-flags.mts';
import { parseSelector, selectorMatches } from '../../scripts/doctest/shims/kubectl-selector.mts';
import { parseManifestText } from '../../scripts/lib/k8s-validate.mts';
import { validateDocument } from '../../scripts/lib/k8s-core-validate.mts';

describe('kubectl flag values', () => {
  it('reads durations as Go does: a number needs a unit', () => {
    expect(parseGoDuration('60s')).toBe(60_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('0')).toBe(0);
    expect(() => parseGoDuration('60')).toThrow('time: missing unit in duration "60"');
    expect(() => parseGoDuration('60sec')).toThrow('time: unknown unit "sec" in duration "60sec"');
    expect(() => parseArgs('wait', ['--timeout=60'])).toThrow(
      'invalid argument "60" for "--timeout" flag: time: missing unit in duration "60"',
    );
  });

  it('refuses an output format no printer has, and wide where apply prints objects', () => {
    expect(parseArgs('get', ['-o', 'wide']).output).toEqual({ format: 'wide' });
    expect(parseArgs('get', ['-o=jsonpath={.spec}']).output).toEqual({
      format: 'jsonpath',
      arg: '{.spec}',
    });
    expect(() => parseArgs('get', ['-o', 'yml'])).toThrow(
      /unable to match a printer suitable for the output format "yml", allowed formats are: custom-columns,/,
    );
    expect(() => parseArgs('apply', ['-o', 'wide'])).toThrow(/output format "wide"/);
  });

  it('knows which verb has which flag and type', () => {
    expect(() => parseArgs('logs', ['--tail', 'ten'])).toThrow(
      'invalid argument "ten" for "--tail" flag: strconv.ParseInt: parsing "ten": invalid syntax',
    );
    expect(() => parseArgs('get', ['--timeout=5s'])).toThrow('unknown flag: --timeout');
    expect(() => parseArgs('get', ['-x'])).toThrow("unknown shorthand flag: 'x' in -x");
    expect(parseArgs('logs', ['-f']).flags.get('follow')).toEqual(['true']);
    expect(
      parseArgs('apply', ['-f', 'a.yaml,b.yaml', '-f', 'c.yaml']).flags.get('filename'),
    ).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(() => parseArgs('wait', ['--for'])).toThrow('flag needs an argument: --for');
  });
});

describe('label selectors (labels.Parse)', () => {
  const labels = { 'app.kubernetes.io/name': 'mcpserver', 'app.kubernetes.io/instance': 'b' };
  it('matches as Kubernetes does', () => {
    const m = (s: string) => selectorMatches(parseSelector(s), labels);
    expect(m('app.kubernetes.io/name=mcpserver,app.kubernetes.io/instance=b')).toBe(true);
    expect(m('app.kubernetes.io/name==mcpserver')).toBe(true);
    expect(m('app.kubernetes.io/instance in (a, b)')).toBe(true);
    expect(m('app.kubernetes.io/instance notin (b)')).toBe(false);
    expect(m('app.kubernetes.io/name,!app')).toBe(true);
    expect(m('app!=x')).toBe(true);
    expect(m('app=x')).toBe(false);
  });
  it('refuses what kubectl refuses, with its message', () => {
    expect(() => parseSelector('app=a b')).toThrow("found 'b', expected: ',' or 'end of string'");
    expect(() => parseSelector('app in a')).toThrow("found 'a' expected: '('");
    expect(() => parseSelector('app=a,')).toThrow("found '', expected: identifier after ','");
    expect(() => parseSelector('-app=a')).toThrow(
      /unable to parse requirement: key: Invalid value: "-app"/,
    );
    expect(() => parseSelector('app=-a')).toThrow(/values\[0\]\[app\]: Invalid value: "-a"/);
    expect(() => parseSelector('app=~a')).toThrow(/found '~a'|unable to parse/);
  });
});

describe('core kinds against the real schemas', () => {
  const check = async (text: string) => {
    const { docs } = parseManifestText(text, 'x.yaml');
    return (await Promise.all(docs.map(validateDocument))).flat();
  };
  it('rejects an unknown field and a wrong pathType in an Ingress, at their lines', async () => {
    const problems = await check(
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: Ingress',
        'metadata: { name: x }',
        'spec:',
        '  rules:',
        '    - http:',
        '        paths:',
        '          - path: /mcp',
        '            pathType: prefix',
        '            backend:',
        '              service: { name: s, port: { name: http }, weight: 1 }',
      ].join('\n'),
    );
    expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      '11 spec.rules[0].http.paths[0].backend.service.weight: unknown field "spec.rules[0].http.paths[0].backend.service.weight"',
      '9 spec.rules[0].http.paths[0].pathType: Unsupported value: supported values: "Exact", "ImplementationSpecific", "Prefix"',
    ]);
  });
  it('checks Service port types, Secret data and HTTPRoute fields', async () => {
    expect(
      (
        await check(
          'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec:\n  ports:\n    - port: "80"\n',
        )
      ).map((p) => p.path),
    ).toEqual(['spec.ports[0].port']);
    expect(
      await check('apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { a: b }\n'),
    ).toEqual([]);
    expect(
      (
        await check(
          'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: r }\nspec:\n  rules:\n    - backendRefs:\n        - { name: s, port: 8080, wieght: 1 }\n',
        )
      ).map((p) => `${p.line} ${p.message}`),
    ).toEqual(['7 unknown field "spec.rules[0].backendRefs[0].wieght"']);
    expect(
      (await check('apiVersion: v1\nkind: Ingress\nmetadata: { name: i }\n'))[0]?.message,
    ).toMatch(/use apiVersion: networking.k8s.io\/v1/);
  });
});
