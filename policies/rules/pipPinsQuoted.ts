import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isOpaque, resourceLabel } from "../lib/read";
import { containerScripts, parseRequirement, parseShell, pipInstalls } from "../lib/shell";
import { containerSites, podSites } from "../lib/workloads";

export const PIP_PINS_QUOTED = "pip-pins-quoted";

export function unquotedPinMessage(where: string, line: number, written: string, name: string, op: string, target: string): string {
  return (
    `${where} line ${line}: \`${written}\` is not quoted, so bash reads \`${op}${target}\` as a redirect ${op.startsWith(">") ? `to a file named "${target}"` : `from a file named "${target}"`} ` +
    `and pip installs ${name} without the version constraint. Quote it: "${written}".`
  );
}

/** Version constraints in a pip install inside a container script are quoted, so bash does not turn `>=` or `<` into a redirect. */
export function pipPinsQuoted(): ResourceValidationPolicy {
  return {
    name: PIP_PINS_QUOTED,
    description:
      'pip requirements with <, > or >= in container scripts (command and args, lifecycle hooks, exec probes) are quoted ("easyocr>=1.7.0"); unquoted, bash makes them redirects and the pin is silently lost.',
    validateResource: (args, reportViolation) => {
      const label = resourceLabel(args.type, args.name);
      for (const pod of podSites(args.type, args.props)) {
        for (const c of containerSites(pod)) {
          for (const script of containerScripts(c.container, c.path)) {
            if (isOpaque(script.text)) continue;
            for (const install of pipInstalls(parseShell(script.text))) {
              for (const r of install.command.redirects) {
                if (r.gluedTo === undefined) continue;
                const req = parseRequirement(r.gluedTo);
                if (!req || req.spec !== "") continue;
                const written = `${r.gluedTo}${r.op}${r.target}`;
                reportViolation(
                  unquotedPinMessage(
                    `${label} ${script.path} (${c.label} in ${pod.label})`,
                    install.line,
                    written,
                    r.gluedTo,
                    r.op,
                    r.target,
                  ),
                );
              }
            }
          }
        }
      }
    },
  };
}
