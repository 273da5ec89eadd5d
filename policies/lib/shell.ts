/**
 * Just enough of bash to read an initContainer's install script: commands in
 * order with their line numbers, words after quote removal and `$VAR`
 * expansion from earlier assignments, redirections (so an unquoted
 * `pkg>=1.0` is seen as the redirect bash makes of it), heredocs skipped.
 * Then the two commands the policies care about: `pip install` and `rm`.
 *
 * Why a tokenizer of our own and not mvdan/sh: measured on the dev plan's install script (21 statements),
 * `sh-syntax` 0.7.0 (mvdan/sh as WebAssembly) returns statements whose commands carry only positions (no words, no
 * node types), so nothing here could be read from it, and it takes ~130 ms per parse; `mvdan-sh` 0.10.1 (GopherJS)
 * takes ~590 ms to load and ~455 ms for its first parse, ~31 ms after. This tokenizer takes ~2.8 ms, and each policy
 * run parses the script three times. Globs are matched by picomatch.
 */
import picomatch from "picomatch";
import { get, items, Key, pathJoin, str } from "./read";

export interface Redirect {
  readonly op: string;
  readonly target: string;
  /** The word the operator touches with no space in between (`easyocr` in `easyocr>=1.7.0`). */
  readonly gluedTo?: string;
}

export interface ShellCommand {
  /** 1-based line of the script the command starts on. */
  readonly line: number;
  readonly words: string[];
  readonly redirects: Redirect[];
  /**
   * False when bash can never run it: a branch of `if true`/`if false` (or `:`) not taken, the body of
   * `while false`/`until true`, the right side of `false && ...` or `true || ...`, anything after a top-level `exit`.
   */
  readonly reachable: boolean;
}

interface Segment {
  text: string;
  expand: boolean;
}
interface RawWord {
  segments: Segment[];
}
interface RawRedirect {
  op: string;
  target: RawWord;
  gluedTo?: RawWord;
}
interface RawCommand {
  line: number;
  words: RawWord[];
  redirects: RawRedirect[];
  /** The operator before it: `&&`, `||`, `|`, `;` or a newline. */
  after: string;
}

const LEADING_KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "do",
  "while",
  "until",
  "!",
  "{",
  "time",
  "exec",
  "sudo",
  "fi",
  "done",
  "}",
]);

function tokenize(script: string): RawCommand[] {
  const commands: RawCommand[] = [];
  let line = 1;
  let i = 0;
  let cmd: RawCommand | undefined;
  let word: RawWord | undefined;
  let pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let redirectOp: { op: string; gluedTo?: RawWord } | undefined;
  let separator = "\n";

  const addText = (text: string, expand: boolean) => {
    if (!word) word = { segments: [] };
    const last = word.segments[word.segments.length - 1];
    if (last && last.expand === expand) last.text += text;
    else word.segments.push({ text, expand });
  };
  const endWord = () => {
    if (!word) return;
    if (!cmd) cmd = { line, words: [], redirects: [], after: separator };
    if (redirectOp) {
      cmd.redirects.push({ op: redirectOp.op, target: word, gluedTo: redirectOp.gluedTo });
      redirectOp = undefined;
    } else {
      cmd.words.push(word);
    }
    word = undefined;
  };
  const startCommandAt = () => {
    if (!cmd) cmd = { line, words: [], redirects: [], after: separator };
  };
  const endCommand = () => {
    endWord();
    if (cmd && (cmd.words.length > 0 || cmd.redirects.length > 0)) commands.push(cmd);
    cmd = undefined;
    redirectOp = undefined;
  };
  const skipHeredocs = () => {
    for (const h of pendingHeredocs) {
      while (i < script.length) {
        const end = script.indexOf("\n", i);
        const text = script.slice(i, end < 0 ? script.length : end);
        i = end < 0 ? script.length : end + 1;
        line++;
        if ((h.stripTabs ? text.replace(/^\t+/, "") : text) === h.delimiter) break;
      }
    }
    pendingHeredocs = [];
  };

  while (i < script.length) {
    const c = script[i];
    const next = script[i + 1];
    if (c === "\\" && next === "\n") {
      i += 2;
      line++;
      continue;
    }
    if (c === "\n") {
      endCommand();
      separator = "\n";
      i++;
      line++;
      if (pendingHeredocs.length > 0) skipHeredocs();
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      endWord();
      i++;
      continue;
    }
    if (c === "#" && !word) {
      while (i < script.length && script[i] !== "\n") i++;
      continue;
    }
    if (c === ";" || c === "|" || c === "(" || c === ")" || (c === "&" && next !== ">")) {
      endCommand();
      const double = (c === "&" && next === "&") || (c === "|" && next === "|") || (c === ";" && next === ";");
      separator = double ? c + next : c;
      i += double ? 2 : 1;
      continue;
    }
    if (c === ">" || c === "<" || (c === "&" && next === ">")) {
      const glued = word;
      const gluedIsFd = glued && glued.segments.length === 1 && glued.segments[0].expand && /^\d+$/.test(glued.segments[0].text);
      word = undefined;
      if (glued && !gluedIsFd) {
        startCommandAt();
        cmd!.words.push(glued);
      }
      let op = c;
      i++;
      while (i < script.length && (script[i] === ">" || script[i] === "<" || script[i] === "&" || script[i] === "-")) {
        if (script[i] === "-" && !op.endsWith("<<")) break;
        op += script[i];
        i++;
      }
      startCommandAt();
      if (op.startsWith("<<") && op !== "<<<") {
        while (script[i] === " " || script[i] === "\t") i++;
        let delim = "";
        while (i < script.length && !/[\s;|&<>()]/.test(script[i])) {
          if (script[i] !== "'" && script[i] !== '"') delim += script[i];
          i++;
        }
        pendingHeredocs.push({ delimiter: delim, stripTabs: op === "<<-" });
        continue;
      }
      if (op.endsWith("&") && /[0-9-]/.test(script[i] ?? "")) {
        // `>&2`, `2>&1`: a descriptor, not a file.
        while (i < script.length && /[0-9-]/.test(script[i])) i++;
        continue;
      }
      redirectOp = { op, gluedTo: glued && !gluedIsFd ? glued : undefined };
      while (script[i] === " " || script[i] === "\t") i++;
      continue;
    }
    startCommandAt();
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      const text = script.slice(i + 1, end < 0 ? script.length : end);
      line += text.split("\n").length - 1;
      addText(text, false);
      i = end < 0 ? script.length : end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let text = "";
      while (i < script.length && script[i] !== '"') {
        if (script[i] === "\\" && i + 1 < script.length && '"\\$`\n'.includes(script[i + 1])) {
          if (script[i + 1] === "\n") line++;
          else text += script[i + 1] === "$" ? "\\$" : script[i + 1];
          i += 2;
          continue;
        }
        if (script[i] === "\n") line++;
        text += script[i];
        i++;
      }
      i++;
      addText(text, true);
      continue;
    }
    if (c === "$" && next === "(") {
      let depth = 0;
      let text = "";
      while (i < script.length) {
        const ch = script[i];
        if (ch === "(") depth++;
        if (ch === ")") depth--;
        if (ch === "\n") line++;
        text += ch;
        i++;
        if (depth === 0 && ch === ")") break;
      }
      addText(text, false);
      continue;
    }
    if (c === "`") {
      const end = script.indexOf("`", i + 1);
      const text = script.slice(i, end < 0 ? script.length : end + 1);
      line += text.split("\n").length - 1;
      addText(text, false);
      i = end < 0 ? script.length : end + 1;
      continue;
    }
    if (c === "\\") {
      addText(next === "$" ? "\\$" : (next ?? ""), true);
      i += 2;
      continue;
    }
    addText(c, true);
    i++;
  }
  endCommand();
  return commands;
}

function expand(word: RawWord, env: Map<string, string>): string {
  return word.segments
    .map((s) =>
      s.expand
        ? s.text
            .replace(/(?<!\\)\$\{(\w+)(?::?-([^}]*))?\}|(?<!\\)\$(\w+)/g, (whole, braced?: string, fallback?: string, bare?: string) => {
              const name = braced ?? bare ?? "";
              return env.get(name) ?? fallback ?? whole;
            })
            .replace(/\\\$/g, "$")
        : s.text,
    )
    .join("");
}

/** `true`, `:` and `false` as a condition: what bash knows without running anything. */
function constantStatus(words: readonly string[]): boolean | undefined {
  if (words.length !== 1) return undefined;
  if (words[0] === "true" || words[0] === ":") return true;
  if (words[0] === "false") return false;
  return undefined;
}

/** One open `if`/`while`/`until`: whether its current part runs, and whether an earlier branch was surely taken. */
interface Block {
  readonly kind: "if" | "loop";
  /** The condition's constant value, for the branch being read. */
  condition: boolean | undefined;
  /** In the body (`then`/`else`/`do`) rather than the condition. */
  inBody: boolean;
  /** For `until`: the body runs while the condition is false. */
  readonly negate: boolean;
  /** An earlier branch of this `if` always runs, so every later one is dead. */
  taken: boolean;
  /** This part (condition or body) is dead. */
  dead: boolean;
}

/**
 * Which commands bash can reach, from the shapes whose outcome is known without running anything. Anything
 * else counts as reachable: a check must not miss a cleanup that may run.
 */
function reachability(raws: readonly { first: string | undefined; words: string[]; after: string }[]): boolean[] {
  const blocks: Block[] = [];
  const out: boolean[] = [];
  let exited = false;
  let previous: { status: boolean | undefined; dead: boolean } = { status: undefined, dead: false };
  for (const raw of raws) {
    const enclosingDead = blocks.some((b) => b.dead);
    const words = raw.words;
    const first = raw.first;
    const top = blocks[blocks.length - 1];
    if (first === "if" || first === "while" || first === "until") {
      blocks.push({
        kind: first === "if" ? "if" : "loop",
        condition: constantStatus(words),
        inBody: false,
        negate: first === "until",
        taken: false,
        dead: enclosingDead || exited,
      });
    } else if ((first === "then" || first === "do") && top) {
      const runs = top.condition === undefined ? undefined : top.negate ? !top.condition : top.condition;
      top.inBody = true;
      top.dead = exited || blocks.slice(0, -1).some((b) => b.dead) || top.taken || runs === false;
      if (top.kind === "if" && runs === true) top.taken = true;
    } else if (first === "elif" && top) {
      top.inBody = false;
      top.condition = constantStatus(words);
      top.dead = exited || blocks.slice(0, -1).some((b) => b.dead) || top.taken;
    } else if (first === "else" && top) {
      top.inBody = true;
      top.dead = exited || blocks.slice(0, -1).some((b) => b.dead) || top.taken || top.condition === true;
    } else if ((first === "fi" || first === "done") && top) {
      blocks.pop();
    }
    let dead = exited || blocks.some((b) => b.dead);
    // `a && b`: b runs only if a succeeded; `a || b` only if a failed.
    if ((raw.after === "&&" || raw.after === "||") && !dead) {
      dead = previous.dead || (raw.after === "&&" ? previous.status === false : previous.status === true);
    }
    out.push(!dead);
    const isKeywordOnly = words.length === 0;
    if (!isKeywordOnly) previous = { status: constantStatus(words), dead };
    if (!dead && blocks.length === 0 && raw.after !== "&&" && raw.after !== "||" && words[0] === "exit") exited = true;
  }
  return out;
}

/** The commands of a script, in order, with variables assigned earlier in the script expanded. */
export function parseShell(script: string): ShellCommand[] {
  const env = new Map<string, string>();
  const parsed: { line: number; words: string[]; redirects: Redirect[]; first: string | undefined; after: string }[] = [];
  for (const raw of tokenize(script)) {
    let words = raw.words.map((w) => expand(w, env));
    const first = words[0];
    while (words.length > 0 && LEADING_KEYWORDS.has(words[0])) words = words.slice(1);
    const redirects = raw.redirects.map((r) => ({
      op: r.op,
      target: expand(r.target, env),
      ...(r.gluedTo ? { gluedTo: expand(r.gluedTo, env) } : {}),
    }));
    const assignWords = words[0] === "export" ? words.slice(1) : words;
    if (assignWords.length > 0 && assignWords.every((w) => /^\w+=/.test(w))) {
      for (const w of assignWords) env.set(w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1));
    }
    parsed.push({ line: raw.line, words, redirects, first, after: raw.after });
  }
  const reachable = reachability(parsed);
  return parsed
    .map((c, i) => ({ line: c.line, words: c.words, redirects: c.redirects, reachable: reachable[i] }))
    .filter((c) => c.words.length > 0 || c.redirects.length > 0);
}

export interface Requirement {
  /** Normalized project name (PEP 503): lower case, runs of -_. as "-". */
  readonly name: string;
  /** Version specifier after the name and extras, e.g. `<2`, `>=2.7.0,<3.0.0`. */
  readonly spec: string;
  /** As written in the command. */
  readonly text: string;
}

export interface PipInstall {
  readonly line: number;
  /** `--target` / `-t`, without a trailing slash. */
  readonly target?: string;
  readonly requirements: Requirement[];
  readonly upgrade: boolean;
  /** `--no-deps`: the install cannot pull anything else in. */
  readonly noDeps: boolean;
  /** `-r file`: requirements the script does not show. */
  readonly requirementFiles: string[];
  readonly command: ShellCommand;
}

const PIP_VALUE_OPTIONS = new Set([
  "--target",
  "--index-url",
  "--extra-index-url",
  "--requirement",
  "--constraint",
  "--find-links",
  "--prefix",
  "--root",
  "--platform",
  "--python-version",
  "--implementation",
  "--abi",
  "--trusted-host",
  "--cache-dir",
  "--timeout",
  "--retries",
  "--progress-bar",
  "--log",
  "--proxy",
  "--src",
  "--upgrade-strategy",
  "--only-binary",
  "--no-binary",
  "--editable",
  "--config-settings",
  "--global-option",
  "--report",
  "--exists-action",
  "--python",
  "--cert",
  "--client-cert",
]);
const PIP_SHORT_VALUE = new Set(["t", "i", "r", "c", "f", "e"]);

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function parseRequirement(text: string): Requirement | undefined {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*([<>=!~;].*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { name: normalizeName(m[1]), spec: (m[3] ?? "").trim(), text };
}

/** Index just after `pip install` / `pip3 install` / `python -m pip install` / `uv pip install`, or -1. */
function afterPipInstall(words: readonly string[]): number {
  for (let i = 0; i < words.length; i++) {
    const base = words[i].slice(words[i].lastIndexOf("/") + 1);
    if (/^pip[\d.]*$/.test(base) && words[i + 1] === "install") return i + 2;
    if (/^python[\d.]*$/.test(base) && words[i + 1] === "-m" && words[i + 2] === "pip" && words[i + 3] === "install") return i + 4;
    if (base === "uv" && words[i + 1] === "pip" && words[i + 2] === "install") return i + 3;
  }
  return -1;
}

export function pipInstalls(commands: readonly ShellCommand[]): PipInstall[] {
  const out: PipInstall[] = [];
  for (const command of commands) {
    // An install that never runs installs nothing.
    if (!command.reachable) continue;
    const start = afterPipInstall(command.words);
    if (start < 0) continue;
    let target: string | undefined;
    let upgrade = false;
    let noDeps = false;
    const requirements: Requirement[] = [];
    const requirementFiles: string[] = [];
    const take = (option: string, value: string | undefined) => {
      if (value === undefined) return;
      if (option === "--target" || option === "t") target = value.replace(/\/+$/, "") || "/";
      if (option === "--requirement" || option === "r") requirementFiles.push(value);
    };
    const words = command.words;
    for (let i = start; i < words.length; i++) {
      const w = words[i];
      if (w.startsWith("--")) {
        const eq = w.indexOf("=");
        const option = eq >= 0 ? w.slice(0, eq) : w;
        if (option === "--upgrade") upgrade = true;
        else if (option === "--no-deps") noDeps = true;
        else if (PIP_VALUE_OPTIONS.has(option)) take(option, eq >= 0 ? w.slice(eq + 1) : words[++i]);
        continue;
      }
      if (w.startsWith("-") && w.length > 1) {
        for (let j = 1; j < w.length; j++) {
          const letter = w[j];
          if (letter === "U") upgrade = true;
          if (PIP_SHORT_VALUE.has(letter)) {
            take(letter, j + 1 < w.length ? w.slice(j + 1) : words[++i]);
            break;
          }
        }
        continue;
      }
      const req = parseRequirement(w);
      if (req) requirements.push(req);
    }
    out.push({ line: command.line, target, requirements, upgrade, noDeps, requirementFiles, command });
  }
  return out;
}

export interface Removal {
  readonly line: number;
  readonly paths: string[];
}

export function removals(commands: readonly ShellCommand[]): Removal[] {
  const out: Removal[] = [];
  for (const c of commands) {
    // A cleanup in a dead branch removes nothing.
    if (!c.reachable) continue;
    const base = c.words[0]?.slice(c.words[0].lastIndexOf("/") + 1);
    if (base !== "rm") continue;
    const paths: string[] = [];
    let options = true;
    for (const w of c.words.slice(1)) {
      if (options && w === "--") options = false;
      else if (options && w.startsWith("-")) continue;
      else paths.push(w);
    }
    out.push({ line: c.line, paths });
  }
  return out;
}

/** True when `rm -rf pattern` deletes `path`: the pattern matches it or one of its parent directories. */
export function globCovers(pattern: string, path: string): boolean {
  // bash's pathname expansion: `*` and `?` stop at `/` and skip dot files; `[!...]` and braces as bash reads them.
  const matches = picomatch(pattern.replace(/\/+$/, ""), { dot: false, posix: true });
  const parts = path.split("/");
  for (let n = parts.length; n > 1; n--) {
    if (matches(parts.slice(0, n).join("/"))) return true;
  }
  return false;
}

export interface ContainerScript {
  readonly text: string;
  /** Path of the field that holds the script, e.g. `...initContainers[0].args[0]`. */
  readonly path: string;
}

/**
 * The shell script a container runs: the string after `-c` in command + args
 * (`command: ["/bin/bash", "-c"]`, `args: ["<script>"]`), or else its args
 * joined as one command line.
 */
export function containerScript(container: unknown, containerPath: string): ContainerScript | undefined {
  const parts: { value: string; path: string }[] = [];
  for (const field of ["command", "args"] as const) {
    items(get(container, field)).forEach((v, i) => {
      const s = str(v);
      if (s !== undefined) parts.push({ value: s, path: pathJoin(pathJoin(containerPath, field), i as Key) });
    });
  }
  const dashC = parts.findIndex((p) => p.value === "-c" || /^-\w*c$/.test(p.value));
  if (dashC >= 0 && parts[dashC + 1]) return { text: parts[dashC + 1].value, path: parts[dashC + 1].path };
  const args = items(get(container, "args"))
    .map(str)
    .filter((s): s is string => s !== undefined);
  if (args.length === 0) return undefined;
  return { text: args.join(" "), path: pathJoin(containerPath, "args") };
}

/** Where else a container runs shell: its lifecycle hooks and exec probes (`exec.command`, often `["sh", "-c", "..."]`). */
const EXEC_HOOKS = [["lifecycle", "postStart"], ["lifecycle", "preStop"], ["livenessProbe"], ["readinessProbe"], ["startupProbe"]] as const;

/** Every shell script a container runs: its command and args, then its lifecycle hooks and exec probes. */
export function containerScripts(container: unknown, containerPath: string): ContainerScript[] {
  const out: ContainerScript[] = [];
  const main = containerScript(container, containerPath);
  if (main) out.push(main);
  for (const keys of EXEC_HOOKS) {
    const execPath = [...keys, "exec"].reduce<string>((p, k) => pathJoin(p, k), containerPath);
    let exec: unknown = container;
    for (const k of [...keys, "exec"]) exec = get(exec, k);
    const command = items(get(exec, "command"));
    if (command.length === 0) continue;
    // An exec command has no args: hand it over as `command` and let containerScript find the `-c` script.
    const script = containerScript({ command }, execPath);
    if (script) out.push(script);
    else {
      const words = command.map(str).filter((w): w is string => w !== undefined);
      out.push({ text: words.join(" "), path: pathJoin(execPath, "command") });
    }
  }
  return out;
}
