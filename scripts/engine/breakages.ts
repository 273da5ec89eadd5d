/**
 * Deliberately broken objects, to prove that what the API server refuses the offline plan refuses too, for the same
 * rule. Each wraps the program with a stack transformation that breaks one resource after the program built it.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Breakage {
  readonly name: string;
  readonly description: string;
  /** The resource type token it breaks. */
  readonly type: string;
  readonly mutate: (props: Record<string, unknown>) => Record<string, unknown>;
  /** What the API server's refusal must contain. */
  readonly apiServerMessage: string;
  /** What the offline plan's finding must contain. */
  readonly offlineMessage: string;
}

/** `props` with `edit` applied to its spec, which the program may have built from Outputs. */
const withSpec = (props: Record<string, unknown>, edit: (spec: Record<string, unknown>) => Record<string, unknown>) => ({
  ...props,
  spec: pulumi.output(props.spec as pulumi.Input<Record<string, unknown>>).apply((spec) => edit({ ...spec })),
});

export const BREAKAGES: readonly Breakage[] = [
  {
    name: "helmrelease-chart-and-chartref",
    description: "a HelmRelease with both chart and chartRef",
    type: "kubernetes:helm.toolkit.fluxcd.io/v2:HelmRelease",
    mutate: (props) => withSpec(props, (spec) => ({ ...spec, chartRef: { kind: "OCIRepository", name: "face-ocr-api" } })),
    // The CRD's CEL rule; Kubernetes 1.34 prints `spec: Invalid value: "object": <message>`.
    apiServerMessage: 'spec: Invalid value: "object": either chart or chartRef must be set',
    offlineMessage: 'HelmRelease "api-helm-release" at spec: Invalid value: either chart or chartRef must be set',
  },
  {
    name: "rayservice-unknown-field",
    description: "a RayService with a field its CRD does not declare",
    type: "kubernetes:ray.io/v1:RayService",
    mutate: (props) => withSpec(props, (spec) => ({ ...spec, serveConfigV3: "applications: []" })),
    apiServerMessage: ".spec.serveConfigV3: field not declared in schema",
    offlineMessage: 'RayService "ray-service" at spec.serveConfigV3: unknown field (not in the schema)',
  },
];

/** The program, with `breakage` applied to every resource of its type. */
export function withBreakage(program: () => unknown, breakage: Breakage): () => unknown {
  return () => {
    pulumi.runtime.registerStackTransformation((args) =>
      args.type === breakage.type ? { props: breakage.mutate(args.props as Record<string, unknown>), opts: args.opts } : undefined,
    );
    return program();
  };
}
