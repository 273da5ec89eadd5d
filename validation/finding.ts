/** One way a rendered resource does not match its upstream schema. */
export interface SchemaFinding {
  /** Pulumi type token, e.g. `kubernetes:ray.io/v1:RayService`. */
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  /** Dotted path into the resource's inputs, e.g. `spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly reason: string;
}

export function formatFinding(f: SchemaFinding): string {
  return `${f.type} "${f.name}" at ${f.path || "(root)"}: ${f.reason}`;
}

/** `/spec/containers/0/image` (JSON pointer) to `spec.containers[0].image`. */
export function pointerToPath(pointer: string): string {
  if (pointer === "") return "";
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export interface AjvLikeError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Turns ajv errors into findings: unknown fields name the field, failed
 * `anyOf` branches collapse into one reason per path.
 */
export function ajvErrorsToReasons(errors: readonly AjvLikeError[]): { path: string; reason: string }[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  const out: { path: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    let pathText = pointerToPath(e.instancePath);
    let reason: string;
    if (e.keyword === "additionalProperties") {
      const field = String(e.params.additionalProperty);
      pathText = pathText ? `${pathText}.${field}` : field;
      reason = "unknown field (not in the schema)";
    } else if (anyOfPaths.has(e.instancePath)) {
      if (e.keyword !== "anyOf") continue;
      reason = "must be an integer or a string";
    } else if (e.keyword === "required") {
      const field = String(e.params.missingProperty);
      pathText = pathText ? `${pathText}.${field}` : field;
      reason = "required field is missing";
    } else if (e.keyword === "enum") {
      reason = `must be one of ${JSON.stringify(e.params.allowedValues)}`;
    } else {
      reason = e.message ?? e.keyword;
    }
    const key = `${pathText}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: pathText, reason });
  }
  return out;
}
