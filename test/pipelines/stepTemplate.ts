/**
 * A steps template of Azure Pipelines instantiated with its parameters, as the service expands it before a run:
 * `${{ each x in ... }}` and `${{ if ... }}` insertions, and `${{ ... }}` inside strings. Only the expression forms
 * the project's templates use are understood (parameters and loop variables, string literals, numbers, booleans,
 * eq, ne, and, or, not, length, upper, replace); anything else throws, so a template cannot outgrow its tests
 * unnoticed.
 */

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
type Scope = Readonly<Record<string, Value>>;

const INSERTION = /^\s*\$\{\{\s*([\s\S]*?)\s*\}\}\s*$/;
const EMBEDDED = /\$\{\{\s*([\s\S]*?)\s*\}\}/g;

const FUNCTIONS: Readonly<Record<string, (...args: Value[]) => Value>> = {
  eq: (a, b) => String(a).toLowerCase() === String(b).toLowerCase(),
  ne: (a, b) => String(a).toLowerCase() !== String(b).toLowerCase(),
  and: (...args) => args.every(truthy),
  or: (...args) => args.some(truthy),
  not: (a) => !truthy(a),
  length: (a) => {
    if (typeof a === "string" || Array.isArray(a)) return a.length;
    if (a !== null && typeof a === "object") return Object.keys(a).length;
    throw new Error(`length() of ${JSON.stringify(a)}`);
  },
  upper: (a) => String(a).toUpperCase(),
  replace: (a, find, by) => String(a).split(String(find)).join(String(by)),
};

function truthy(value: Value): boolean {
  return !(value === false || value === null || value === 0 || value === "");
}

/** Evaluates one expression (the text between `${{` and `}}`). */
export function evaluate(expression: string, scope: Scope): Value {
  let at = 0;
  const rest = () => expression.slice(at);
  const skip = () => {
    at += /^\s*/.exec(rest())![0].length;
  };
  const expect = (token: string) => {
    skip();
    if (!rest().startsWith(token)) throw new Error(`expression ${JSON.stringify(expression)}: expected "${token}" at ${at}`);
    at += token.length;
  };
  const parse = (): Value => {
    skip();
    const text = rest();
    const str = /^'((?:[^']|'')*)'/.exec(text);
    if (str) {
      at += str[0].length;
      return str[1].replace(/''/g, "'");
    }
    const num = /^-?\d+(\.\d+)?/.exec(text);
    if (num) {
      at += num[0].length;
      return Number(num[0]);
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text);
    if (!name) throw new Error(`expression ${JSON.stringify(expression)}: unexpected "${text}"`);
    at += name[0].length;
    if (name[0] === "true" || name[0] === "false") return name[0] === "true";
    skip();
    if (rest().startsWith("(")) {
      const fn = FUNCTIONS[name[0]];
      if (!fn) throw new Error(`expression ${JSON.stringify(expression)}: unknown function ${name[0]}`);
      at++;
      const args: Value[] = [];
      skip();
      if (rest().startsWith(")")) at++;
      else {
        for (;;) {
          args.push(parse());
          skip();
          if (rest().startsWith(",")) at++;
          else break;
        }
        expect(")");
      }
      return fn(...args);
    }
    if (!(name[0] in scope)) throw new Error(`expression ${JSON.stringify(expression)}: unknown name ${name[0]}`);
    let value = scope[name[0]];
    while (rest().startsWith(".")) {
      at++;
      const field = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest());
      if (!field || value === null || typeof value !== "object" || Array.isArray(value) || !(field[0] in value)) {
        throw new Error(`expression ${JSON.stringify(expression)}: no field at ${at}`);
      }
      at += field[0].length;
      value = value[field[0]];
    }
    return value;
  };
  const value = parse();
  skip();
  if (at !== expression.length) throw new Error(`expression ${JSON.stringify(expression)}: unexpected "${rest()}"`);
  return value;
}

function isMapping(value: unknown): value is Record<string, Value> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function expand(node: Value, scope: Scope): Value {
  if (typeof node === "string") {
    const whole = INSERTION.exec(node);
    if (whole) return evaluate(whole[1], scope);
    return node.replace(EMBEDDED, (_, expression: string) => String(evaluate(expression, scope)));
  }
  if (Array.isArray(node)) {
    return node.flatMap((item) => {
      const only = isMapping(item) && Object.keys(item).length === 1 ? Object.keys(item)[0] : undefined;
      const key = only === undefined ? null : INSERTION.exec(only);
      if (!key) return [expand(item, scope)];
      const body = (item as Record<string, Value>)[only as string];
      const each = /^each\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([\s\S]+)$/.exec(key[1]);
      if (each) {
        const items = evaluate(each[2], scope);
        if (!Array.isArray(items)) throw new Error(`${key[1]}: not a list`);
        return items.flatMap((x) => [expand(body, { ...scope, [each[1]]: x })].flat());
      }
      const cond = /^if\s+([\s\S]+)$/.exec(key[1]);
      if (!cond) throw new Error(`unsupported insertion ${key[1]}`);
      return truthy(evaluate(cond[1], scope)) ? [expand(body, scope)].flat() : [];
    });
  }
  if (isMapping(node)) {
    const out: Record<string, Value> = {};
    for (const [key, value] of Object.entries(node)) {
      const insertion = INSERTION.exec(key);
      if (!insertion) {
        out[key] = expand(value, scope);
        continue;
      }
      const cond = /^if\s+([\s\S]+)$/.exec(insertion[1]);
      if (!cond) throw new Error(`unsupported insertion ${insertion[1]} in a mapping`);
      const body = expand(value, scope);
      if (!isMapping(body)) throw new Error(`${key}: a mapping insertion must hold a mapping`);
      if (truthy(evaluate(cond[1], scope))) Object.assign(out, body);
    }
    return out;
  }
  return node;
}

interface TemplateParameter {
  readonly name: string;
  readonly type: string;
  readonly default?: Value;
}

/** The steps a `- template: FILE` step with these `parameters` stands for. Unknown or ill-typed parameters throw. */
export function instantiateSteps(
  template: { readonly parameters?: readonly TemplateParameter[]; readonly steps: readonly unknown[] },
  given: Readonly<Record<string, unknown>> = {},
): unknown[] {
  const declared = template.parameters ?? [];
  for (const name of Object.keys(given)) {
    if (!declared.some((p) => p.name === name)) throw new Error(`unknown template parameter ${name}`);
  }
  const parameters: Record<string, Value> = {};
  for (const p of declared) {
    const value = (given[p.name] as Value | undefined) ?? p.default;
    if (value === undefined) throw new Error(`template parameter ${p.name} is required`);
    if (p.type === "boolean" && typeof value !== "boolean") throw new Error(`template parameter ${p.name} is not a boolean`);
    if (p.type === "object" && (value === null || typeof value !== "object"))
      throw new Error(`template parameter ${p.name} is not an object`);
    parameters[p.name] = value;
  }
  return expand(template.steps as Value[], { parameters }) as unknown[];
}
