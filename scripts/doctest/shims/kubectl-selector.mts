// Label selectors as kubectl's `-l` parses them: a port of labels.Parse
// (pkg/labels/selector.go@k8s.io/apimachinery v0.35.3) — the same lexer, the
// same grammar, the same key and value rules (pkg/api/validate/content/kube.go)
// and the same error texts, so a selector real kubectl refuses is refused here.
//
//   <selector-syntax>         ::= <requirement> | <requirement> "," <selector-syntax>
//   <requirement>             ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
//   <set-based-restriction>   ::= "" | ("in" | "notin") "(" VALUE ("," VALUE)* ")"
//   <exact-match-restriction> ::= ["="|"=="|"!="|">"|"<"] VALUE

export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | '>' | '<' | 'exists' | '!';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export class SelectorError extends Error {}

type Tok =
  'id' | 'end' | 'error' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(';

const TOKENS = new Set([')', ',', '!', '==', '=', '>', 'in', '<', '!=', 'notin', '(']);
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const BINARY = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i] as string)) i++;
    if (i >= s.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    if (SPECIAL.has(s[i] as string)) {
      // the longest run of special symbols that is still a token ("!=", "==")
      let buf = '';
      let last: string | undefined;
      while (i < s.length && SPECIAL.has(s[i] as string)) {
        buf += s[i];
        if (TOKENS.has(buf)) {
          last = buf;
          i++;
        } else if (last) break;
        else i++;
      }
      if (!last) out.push({ tok: 'error', lit: `error expected: keyword found '${buf}'` });
      else out.push({ tok: last as Tok, lit: last });
      continue;
    }
    let buf = '';
    while (i < s.length && !SPECIAL.has(s[i] as string) && !isSpace(s[i] as string)) buf += s[i++];
    out.push({ tok: buf === 'in' || buf === 'notin' ? buf : 'id', lit: buf });
  }
}

// pkg/api/validate/content/kube.go: IsLabelKey, IsLabelValue
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = parts[0] as string;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      );
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !NAME.test(name)) errs.push(NAME_MSG);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!VALUE.test(value))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

/** labels.Parse: the requirements of `selector`, or a SelectorError with kubectl's message. */
export function parseSelector(selector: string): Requirement[] {
  const items = lex(selector);
  let pos = 0;
  // in the "values" context the keywords in/notin are identifiers too
  const look = (values: boolean) => {
    const t = items[pos] as { tok: Tok; lit: string };
    return values && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id' as Tok, lit: t.lit } : t;
  };
  const take = (values: boolean) => {
    const t = look(values);
    if (pos < items.length - 1) pos++;
    return t;
  };
  const fail = (m: string): never => {
    throw new SelectorError(m);
  };
  const requirement = (): Requirement => {
    let t = take(true);
    let op: Operator | undefined;
    if (t.tok === '!') {
      op = '!';
      t = take(true);
    }
    if (t.tok !== 'id') fail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length) fail(`key: Invalid value: "${key}": ${keyErrs.join('; ')}`);
    // `!key` takes no operator; what follows it must be ',' or the end (checked by the caller)
    if (op === '!') return { key, operator: op, values: [] };
    const next = look(true).tok;
    if (next === 'end' || next === ',') return { key, operator: 'exists', values: [] };
    const o = take(false);
    if (!['in', 'notin', '=', '==', '!=', '>', '<'].includes(o.tok))
      fail(`found '${o.lit}', expected: ${BINARY.join(', ')}`);
    let values: string[];
    if (o.tok === 'in' || o.tok === 'notin') {
      const open = take(true);
      if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
      values = [];
      for (;;) {
        const v = take(true);
        if (v.tok === ')') break;
        if (v.tok === 'id') {
          values.push(v.lit);
          const after = look(true);
          if (after.tok === ',') {
            take(true);
            continue;
          }
          if (after.tok === ')') continue;
          fail(`found '${after.lit}', expected: ',' or ')'`);
        } else if (v.tok === ',') values.push('');
        else fail(`found '${v.lit}', expected: ',', or identifier`);
      }
      if (values.length === 0) values.push('');
    } else {
      const v = look(true);
      if (v.tok !== 'end' && v.tok !== ',' && v.tok !== 'id')
        fail(`found '${v.lit}', expected: identifier`);
      values = [v.tok === 'id' ? take(true).lit : ''];
      if ((o.tok === '>' || o.tok === '<') && !/^[-+]?\d+$/.test(values[0] as string))
        fail(
          `values[0]: Invalid value: "${values[0]}": for 'Gt', 'Lt' operators, the value must be an integer`,
        );
    }
    values.forEach((v, i) => {
      const errs = labelValueErrors(v);
      if (errs.length) fail(`values[${i}][${key}]: Invalid value: "${v}": ${errs.join('; ')}`);
    });
    return { key, operator: o.tok as Operator, values };
  };
  const out: Requirement[] = [];
  for (;;) {
    const t = look(true);
    if (t.tok === 'end') return out;
    if (t.tok !== 'id' && t.tok !== '!')
      fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(requirement());
    } catch (e) {
      if (e instanceof SelectorError)
        throw new SelectorError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
    const sep = take(true);
    if (sep.tok === 'end') return out;
    if (sep.tok !== ',') fail(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const after = look(true);
    if (after.tok !== 'id' && after.tok !== '!')
      fail(`found '${after.lit}', expected: identifier after ','`);
  }
}

/** Requirement.Matches (pkg/labels/selector.go): every requirement holds for `labels`. */
export function selectorMatches(reqs: Requirement[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(v as string);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v as string);
      case 'exists':
        return has;
      case '!':
        return !has;
      case '>':
      case '<': {
        if (!has || !/^[-+]?\d+$/.test(v as string)) return false;
        const a = Number(v);
        const b = Number(r.values[0]);
        return r.operator === '>' ? a > b : a < b;
      }
    }
  });
}
