/**
 * Validates core Kubernetes objects against the Kubernetes OpenAPI, using the
 * validators that `kubernetes-models` generates from it.
 */
import { ajvErrorsToReasons, AjvLikeError } from "./finding";

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const modelCache = new Map<string, ModelClass | undefined>();

/** `kubernetes:core/v1:Namespace` to `kubernetes-models/v1/Namespace`; `kubernetes:apps/v1:Deployment` to `kubernetes-models/apps/v1/Deployment`. */
export function modelModulePath(type: string): string | undefined {
  const match = /^kubernetes:([^:/]+)\/([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [, group, version, kind] = match;
  return group === "core" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

function loadModel(type: string): ModelClass | undefined {
  if (modelCache.has(type)) return modelCache.get(type);
  const modulePath = modelModulePath(type);
  let model: ModelClass | undefined;
  if (modulePath) {
    const kind = modulePath.slice(modulePath.lastIndexOf("/") + 1);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      model = (require(modulePath) as Record<string, ModelClass>)[kind];
    } catch {
      model = undefined;
    }
  }
  modelCache.set(type, model);
  return model;
}

export function hasCoreModel(type: string): boolean {
  return loadModel(type) !== undefined;
}

/** Validates a core object; `known` is false when no model exists for the type. */
export function validateCoreObject(type: string, object: unknown): { known: boolean; errors: { path: string; reason: string }[] } {
  const Model = loadModel(type);
  if (!Model) return { known: false, errors: [] };
  try {
    new Model(object).validate();
    return { known: true, errors: [] };
  } catch (err) {
    const ajvErrors = (err as { errors?: AjvLikeError[] }).errors;
    if (Array.isArray(ajvErrors)) {
      return { known: true, errors: ajvErrorsToReasons(ajvErrors.map((e) => ({ ...e, instancePath: e.instancePath ?? "" }))) };
    }
    return { known: true, errors: [{ path: "", reason: (err as Error).message }] };
  }
}
