import * as path from "path";

/** A folder named by an environment variable; an empty value is no value (as `VAR= npm run plan` means "unset"). */
function folderFromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Where `shared/` is: beside the project root by default, or wherever
 * FACE_OCR_SHARED_DIR points.
 */
export function sharedDir(): string {
  return folderFromEnv("FACE_OCR_SHARED_DIR") ?? path.resolve(__dirname, "..", "..", "shared");
}

export function crdDir(): string {
  return path.join(sharedDir(), "crds");
}

export function azureDevOpsSchemaPath(): string {
  return path.join(sharedDir(), "schemas", "azuredevops.schema.json");
}

/** The provider's pipeline checks (CheckApproval, CheckBranchControl, CheckExclusiveLock), a supplement to the file above. */
export function azureDevOpsChecksSchemaPath(): string {
  return path.join(sharedDir(), "schemas", "azuredevops-checks.schema.json");
}

/** Every extract of the azuredevops provider schema: together they are the local SDK's contract. */
export function azureDevOpsSchemaPaths(): string[] {
  return [azureDevOpsSchemaPath(), azureDevOpsChecksSchemaPath()];
}

/** Microsoft's JSON schema for Azure Pipelines YAML (microsoft/azure-pipelines-vscode `service-schema.json`). */
export function azurePipelinesSchemaPath(): string {
  return path.join(sharedDir(), "schemas", "azure-pipelines.service-schema.json");
}

/**
 * A cache folder for derived, reproducible data (FACE_OCR_CACHE_DIR overrides it); never committed. It sits
 * outside node_modules so that `npm ci` keeps it: every entry is keyed by the hash of what it was derived from.
 */
export function cacheDir(): string {
  return folderFromEnv("FACE_OCR_CACHE_DIR") ?? path.resolve(__dirname, "..", ".cache", "validators");
}
