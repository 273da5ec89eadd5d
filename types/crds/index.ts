// Typed specs of the custom resources this program renders, written from ../shared/crds/.
// Use them as `new k8s.apiextensions.CustomResource(name, obj)` with obj typed as e.g. RayServiceObject.
export * from "./fluxMeta";
export * from "./gitRepository";
export * from "./helmRelease";
export * from "./helmRepository";
export * from "./imagePolicy";
export * from "./imageRepository";
export * from "./ociRepository";
export * from "./rayService";
