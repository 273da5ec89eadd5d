/**
 * The GitOps cutover: the steps that take the objects Flux's Kustomization applies today out of Flux's hands
 * without deleting them, so this stack can own them.
 *
 * kustomize-controller (fluxcd/kustomize-controller v1.9.0, internal/controller/kustomization_controller.go,
 * `deleteObjects`) garbage-collects an object that left the source unless the object *in the cluster* carries
 * `kustomize.toolkit.fluxcd.io/prune: disabled` (or `.../reconcile: disabled`). So the order is fixed: first the
 * annotation is committed and applied by Flux, and only once every object carries it in the cluster are the files
 * removed. Reversed, the first sync deletes the RayService and the model cache PVC, and Pulumi's `protect` cannot
 * stop a deletion Flux makes. Pure: the files are computed from config, nothing is read from the cluster.
 */
import type { StackConfig } from "../config/stackConfig";
import type { GitopsFile } from "./api/gitops";

/** The annotation that keeps kustomize-controller from deleting an object that left its source. */
export const PRUNE_DISABLED = { key: "kustomize.toolkit.fluxcd.io/prune", value: "disabled" } as const;

/** The Flux Kustomization that applies draft-deployment today (the guide's "Flux" verification commands). */
export const DRAFT_DEPLOYMENTS_KUSTOMIZATION = { name: "draft-deployments", namespace: "flux-system" } as const;

/** One live object that a Flux-applied file holds and this stack takes over. */
export interface FluxAppliedObject {
  /** API group, empty for the core group (kustomize-controller's inventory spells it so). */
  readonly group: string;
  readonly kind: string;
  /** kubectl's resource name, for the verifying commands, e.g. `rayservice`, `pvc`. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

/** A file of the GitOps repository and the objects in it. */
export interface FluxAppliedFile {
  /** Path in the GitOps repository, e.g. `dev/ray-service.yaml`. */
  readonly path: string;
  /** Every object the file holds: the removal step refuses a file that holds anything else. */
  readonly objects: readonly FluxAppliedObject[];
}

export interface CutoverInputs {
  /** The stack's environment, e.g. `dev`: the folder of the generated files. */
  readonly environment: string;
  readonly files: readonly FluxAppliedFile[];
  /** @default DRAFT_DEPLOYMENTS_KUSTOMIZATION */
  readonly kustomization?: { readonly name: string; readonly namespace: string };
}

/** kustomize-controller's inventory id of an object: `<namespace>_<name>_<group>_<kind>`. */
export function inventoryId(o: FluxAppliedObject): string {
  return `${o.namespace}_${o.name}_${o.group}_${o.kind}`;
}

/** The guide's files: `<env>/ray-service.yaml` (RayService and model PVC) and `<env>/face-ocr-api.yaml` (the HelmRelease). */
export function guideFluxAppliedFiles(
  environment: string,
  names: {
    readonly rayNamespace: string;
    readonly rayServiceName: string;
    readonly modelCacheClaimName: string;
    readonly releaseNamespace: string;
    readonly releaseName: string;
  },
): FluxAppliedFile[] {
  return [
    {
      path: `${environment}/ray-service.yaml`,
      objects: [
        { group: "", kind: "PersistentVolumeClaim", resource: "pvc", namespace: names.rayNamespace, name: names.modelCacheClaimName },
        { group: "ray.io", kind: "RayService", resource: "rayservice", namespace: names.rayNamespace, name: names.rayServiceName },
      ],
    },
    {
      path: `${environment}/${names.releaseName}.yaml`,
      objects: [
        {
          group: "helm.toolkit.fluxcd.io",
          kind: "HelmRelease",
          resource: "helmrelease",
          namespace: names.releaseNamespace,
          name: names.releaseName,
        },
      ],
    },
  ];
}

/** `kind/namespace/name` as the scripts print each object of a file with yq. */
const objectLine = (o: FluxAppliedObject) => `${o.kind}/${o.namespace}/${o.name}`;
const annotationPath = `.metadata.annotations["${PRUNE_DISABLED.key}"]`;
const jsonpathKey = PRUNE_DISABLED.key.replace(/\./g, "\\.");

function guard(file: FluxAppliedFile): string[] {
  const expected = file.objects.map(objectLine).sort().join(" ");
  return [
    `found=$(yq -N '.kind + "/" + .metadata.namespace + "/" + .metadata.name' '${file.path}' | sort | tr '\\n' ' ' | sed 's/ $//')`,
    `[ "$found" = '${expected}' ] || { echo "${file.path} holds $found, expected ${expected}: stop, nothing changed" >&2; exit 1; }`,
  ];
}

function script(title: string, body: string[]): string {
  return [
    "#!/usr/bin/env bash",
    `# ${title}`,
    "# Run at the root of a draft-deployment checkout on main; needs yq v4.",
    "set -euo pipefail",
    "",
    ...body,
    "",
  ].join("\n");
}

/** The step files and the runbook, under `<environment>/` of the generated cutover folder. */
export function gitopsCutoverFiles(inputs: CutoverInputs): GitopsFile[] {
  const k = inputs.kustomization ?? DRAFT_DEPLOYMENTS_KUSTOMIZATION;
  const dir = inputs.environment;
  const objects = inputs.files.flatMap((f) => f.objects);
  const paths = inputs.files.map((f) => `'${f.path}'`).join(" ");

  const step1 = script("Step 1 of the cutover: annotate, do not remove. Flux applies the annotation on its next sync.", [
    ...inputs.files.flatMap(guard),
    ...inputs.files.map((f) => `yq -i '${annotationPath} = "${PRUNE_DISABLED.value}"' '${f.path}'`),
    `git add ${paths}`,
    `git commit -m "Keep the objects of ${inputs.files.map((f) => f.path).join(", ")} when they leave Flux (${PRUNE_DISABLED.key}: ${PRUNE_DISABLED.value})"`,
  ]);

  const step2 = script("Step 2 of the cutover: remove the files from the Kustomization. Only after step 1 is verified in the cluster.", [
    ...inputs.files.flatMap(guard),
    "# Refuse to remove anything Flux could still delete: every object must carry the annotation in the cluster.",
    ...objects.map(
      (o) =>
        `[ "$(kubectl get ${o.resource} ${o.name} -n ${o.namespace} -o jsonpath='{.metadata.annotations.${jsonpathKey}}')" = ${PRUNE_DISABLED.value} ] ` +
        `|| { echo "${objectLine(o)} has no ${PRUNE_DISABLED.key}: ${PRUNE_DISABLED.value} in the cluster yet: finish step 1" >&2; exit 1; }`,
    ),
    `git rm ${paths}`,
    `git commit -m "Stop applying ${inputs.files.map((f) => f.path).join(", ")} with Flux: the face-ocr platform stack owns these objects"`,
  ]);

  const sync = `flux reconcile kustomization ${k.name} -n ${k.namespace} --with-source`;
  const verifyAnnotations = objects.map(
    (o) =>
      `kubectl get ${o.resource} ${o.name} -n ${o.namespace} -o jsonpath='{.metadata.annotations.${jsonpathKey}}{"\\n"}'   # ${PRUNE_DISABLED.value}`,
  );
  const uids = objects.map((o) => `kubectl get ${o.resource} ${o.name} -n ${o.namespace} -o jsonpath='{.metadata.uid}{"\\n"}'`);
  const inventoryPattern = objects.map((o) => `^${inventoryId(o).replace(/\./g, "\\.")}$`).join("|");
  const runbook = [
    `# GitOps cutover (${dir}): take ${objects.map(objectLine).join(", ")} out of Flux without deleting them`,
    "",
    `Flux's Kustomization \`${k.namespace}/${k.name}\` applies ${inputs.files.map((f) => `\`${f.path}\``).join(" and ")} today. Until they leave it,`,
    "Flux reverts every change `pulumi up` makes to their objects; removed with prune on, they are deleted (the RayService and",
    `the model cache with it), and Pulumi's \`protect\` cannot stop a deletion Flux makes. kustomize-controller skips an object`,
    `whose in-cluster copy carries \`${PRUNE_DISABLED.key}: ${PRUNE_DISABLED.value}\`, so annotate first, verify, then remove.`,
    "Run the scripts at the root of a draft-deployment checkout on `main` (they need `yq` v4 and `kubectl`); each refuses",
    "a file that holds anything but the objects listed, before changing anything. `CUTOVER` is this folder: after",
    `\`npm run plan -- --stack <stack>\`, \`out/<stack>/gitops/cutover/${dir}\` of the face-ocr-platform checkout.`,
    "",
    "Before step 1, write down the objects' uids, to check at the end that nothing was recreated:",
    "",
    "```sh",
    ...uids,
    "```",
    "",
    "## Step 1: annotate (nothing leaves Flux yet)",
    "",
    "```sh",
    `bash "$CUTOVER/1-prune-disabled.sh" && git push origin main`,
    sync,
    ...verifyAnnotations,
    "```",
    "",
    "Go on only when every line prints `disabled`.",
    "",
    "## Step 2: remove the files from the Kustomization",
    "",
    "```sh",
    `bash "$CUTOVER/2-remove-from-flux.sh" && git push origin main`,
    sync,
    `kubectl get kustomization ${k.name} -n ${k.namespace} -o jsonpath='{.status.inventory.entries[*].id}' | tr ' ' '\\n' | grep -E '${inventoryPattern}'   # prints nothing`,
    ...uids.map((u) => `${u}   # the uid written down before step 1`),
    "```",
    "",
    "Flux no longer applies these objects; they keep Flux's `kustomize.toolkit.fluxcd.io/name` and `.../namespace` labels",
    "and the annotation, which change nothing once Flux stops applying them. Then import them into the stack",
    '(`pulumi import --file`, README: "Adopting the running system").',
    "",
  ].join("\n");

  return [
    { path: `${dir}/README.md`, content: runbook },
    { path: `${dir}/1-prune-disabled.sh`, content: step1 },
    { path: `${dir}/2-remove-from-flux.sh`, content: step2 },
  ];
}

/** The stack's cutover: the guide's files, with the names the stack's config gives their objects. */
export function gitopsCutover(config: Pick<StackConfig, "environment" | "ray" | "api">): GitopsFile[] {
  return gitopsCutoverFiles({
    environment: config.environment,
    files: guideFluxAppliedFiles(config.environment, {
      rayNamespace: config.ray.namespace,
      rayServiceName: config.ray.serviceName,
      modelCacheClaimName: config.ray.modelCache.claimName,
      releaseNamespace: config.api.releaseNamespace,
      releaseName: config.api.releaseName,
    }),
  });
}
