/**
 * Whether a stack file can be edited through the `yaml` library's document API without touching lines outside the
 * edit: the library writes some layouts differently (other indents, quoting or spacing), and writing the file back
 * would rewrite those lines too. The commands that write stack files (`npm run adopt`, `npm run promote`) refuse
 * such a file rather than reformat it.
 */
import * as YAML from "yaml";

/** The first line the yaml library would write differently from `text`, or undefined when it writes it back as it is. */
function firstRewrittenLine(text: string): number | undefined {
  const again = YAML.parseDocument(text).toString({ lineWidth: 0 });
  if (again === text) return undefined;
  const a = text.split("\n");
  const b = again.split("\n");
  const i = a.findIndex((line, n) => line !== b[n]);
  return (i < 0 ? a.length : i) + 1;
}

/**
 * Why the stack file `file` (its text) cannot be edited in place, as one message naming the file and the line; or
 * undefined when it can. `edit` says what was to be written (`the release`, `the adopted keys`).
 */
export function stackFileEditProblem(text: string, file: string, edit: string): string | undefined {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) return `${file}: not valid YAML: ${doc.errors[0].message}`;
  const rewritten = firstRewrittenLine(text);
  if (rewritten === undefined) return undefined;
  return (
    `${file}:${rewritten}: the yaml library writes this line differently (spacing, indentation or quoting), so writing ${edit} ` +
    `would change lines outside it; lay the file out as \`pulumi config set\` does (two-space indents, lists indented under their key) and run again`
  );
}
