/**
 * The requirements pip would install from a requirements file or a
 * `pip install` command line, read the way pip reads them: a line ending in
 * `\` continues on the next, `#` after whitespace starts a comment, a
 * requirement's own options (`--hash=...`) follow it on its line, `-r FILE`
 * includes another file relative to this one. Each requirement itself is
 * parsed by pip-requirements-js (PEP 508).
 */
import * as path from "path";
import { parsePipRequirementsLineLoosely } from "pip-requirements-js";

export interface PipRequirement {
  /** The file as the caller displays it. */
  readonly file: string;
  /** 1-based line where the requirement starts. */
  readonly line: number;
  /** The requirement as written, without its options, e.g. `ray[client]==2.52.0`. */
  readonly text: string;
  /** PEP 503-normalised project name, e.g. `ray`. */
  readonly name: string;
  /** Normalised extras, e.g. `["client"]`. */
  readonly extras: readonly string[];
  readonly specifiers: readonly { readonly operator: string; readonly version?: string }[];
}

export interface RequirementsRead {
  readonly requirements: PipRequirement[];
  /** Lines pip could not read, and includes that are missing or loop. */
  readonly problems: { readonly file: string; readonly line?: number; readonly message: string }[];
}

/** Reads a file of the checkout by path relative to its root; undefined when missing. */
export type CheckoutReader = (relativePath: string) => string | undefined;

/** PEP 503 name normalisation. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Options that take the next word as their value, on a requirements line or a `pip install` command. */
const OPTIONS_WITH_VALUE = new Set([
  "-r",
  "--requirement",
  "-c",
  "--constraint",
  "-e",
  "--editable",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-f",
  "--find-links",
  "-t",
  "--target",
  "--prefix",
  "--root",
  "--platform",
  "--python-version",
  "--implementation",
  "--abi",
  "--trusted-host",
  "--src",
  "--upgrade-strategy",
  "--progress-bar",
  "--config-settings",
  "-C",
  "--global-option",
  "--no-binary",
  "--only-binary",
  "--cache-dir",
  "--log",
  "--proxy",
  "--cert",
  "--client-cert",
  "--report",
]);

/** One requirement word parsed with pip-requirements-js, or undefined when it is not a named requirement (a path, a URL). */
function parseRequirement(text: string, file: string, line: number): PipRequirement | { problem: string } | undefined {
  if (/^(\.|\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(text) || /\.(whl|tar\.gz|zip)$/i.test(text)) return undefined;
  try {
    const parsed = parsePipRequirementsLineLoosely(text);
    if (!parsed) return undefined;
    return {
      file,
      line,
      text,
      name: normalizeProjectName(parsed.name),
      extras: (parsed.extras ?? []).map(normalizeProjectName),
      specifiers: (parsed.versionSpec ?? []).map((s) => ({ operator: s.operator, version: s.version })),
    };
  } catch {
    return { problem: `${text} is not a requirement pip can read (PEP 508: name[extras] specifiers ; markers)` };
  }
}

/** pip's logical lines: continuations joined, comments removed, with the line each starts on. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1;
    let joined = physical[i];
    while (/\\$/.test(joined) && i + 1 < physical.length) joined = joined.slice(0, -1) + physical[++i];
    const content = joined.replace(/(^|\s)#.*$/, "").trim();
    if (content !== "") out.push({ line: start, text: content });
  }
  return out;
}

/**
 * Every named requirement of a requirements file and the files it includes (`-r`, `--requirement`), each with
 * the file and line it is on. `relativePath` is the file's path in the checkout; `display` names files in findings.
 */
export function readRequirementsFile(
  relativePath: string,
  read: CheckoutReader,
  display: (relativePath: string) => string,
  seen: ReadonlySet<string> = new Set(),
): RequirementsRead {
  const requirements: PipRequirement[] = [];
  const problems: RequirementsRead["problems"] = [];
  const file = display(relativePath);
  const text = read(relativePath);
  if (text === undefined) return { requirements, problems: [{ file, message: "not found" }] };
  const inside = new Set([...seen, relativePath]);
  for (const { line, text: content } of logicalLines(text)) {
    const words = content.split(/\s+/);
    if (words[0].startsWith("-")) {
      const include = includedFile(words);
      if (include === undefined) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(relativePath), include));
      if (inside.has(target)) {
        problems.push({ file, line, message: `includes ${include}, which includes this file again; pip would loop` });
        continue;
      }
      if (read(target) === undefined) {
        problems.push({ file, line, message: `includes ${include}, which is not in the checkout (${display(target)})` });
        continue;
      }
      const nested = readRequirementsFile(target, read, display, inside);
      requirements.push(...nested.requirements);
      problems.push(...nested.problems);
      continue;
    }
    // pip's break_args_options: the requirement ends where the first option (`--hash=...`) begins.
    const firstOption = words.findIndex((w) => w.startsWith("-"));
    const requirement = (firstOption < 0 ? words : words.slice(0, firstOption)).join(" ");
    const parsed = parseRequirement(requirement, file, line);
    if (parsed === undefined) continue;
    if ("problem" in parsed) problems.push({ file, line, message: parsed.problem });
    else requirements.push(parsed);
  }
  return { requirements, problems };
}

/** The file of `-r FILE`, `-rFILE`, `--requirement FILE` or `--requirement=FILE`; undefined for other options. */
function includedFile(words: readonly string[]): string | undefined {
  const [first, second] = words;
  if (first === "-r" || first === "--requirement") return second;
  if (first.startsWith("--requirement=")) return first.slice("--requirement=".length);
  if (/^-r./.test(first)) return first.slice(2);
  return undefined;
}

/** The words of a shell command as a Dockerfile RUN holds them, quotes removed. */
function unquoteWord(word: string): string {
  return /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
}

const COMMAND_SEPARATOR = /^(&&|\|\||;|\||&)$/;

/**
 * The named requirements of every `pip install` (also `pip3`, `python -m pip`, `uv pip`) in a RUN instruction's
 * words, as dockerfile-ast splits them.
 */
export function pipInstallRequirements(words: readonly string[], file: string, line: number): RequirementsRead {
  const requirements: PipRequirement[] = [];
  const problems: RequirementsRead["problems"] = [];
  const commands: string[][] = [[]];
  for (const raw of words) {
    const trailing = /;$/.test(raw) && !/^["'].*["']$/.test(raw);
    const word = trailing ? raw.slice(0, -1) : raw;
    if (COMMAND_SEPARATOR.test(word)) commands.push([]);
    else if (word !== "") commands[commands.length - 1].push(unquoteWord(word));
    if (trailing) commands.push([]);
  }
  for (const command of commands) {
    const pip = command.findIndex((w, i) => /^pip3?(\.\d+)?$/.test(path.posix.basename(w)) && command[i + 1] === "install");
    if (pip < 0) continue;
    for (let i = pip + 2; i < command.length; i++) {
      const word = command[i];
      if (word.startsWith("-")) {
        if (OPTIONS_WITH_VALUE.has(word)) i++;
        continue;
      }
      const parsed = parseRequirement(word, file, line);
      if (parsed === undefined) continue;
      if ("problem" in parsed) problems.push({ file, line, message: parsed.problem });
      else requirements.push(parsed);
    }
  }
  return { requirements, problems };
}
