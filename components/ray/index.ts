// The Ray side of face-ocr: the RayCluster component and the pure builders behind it.
export * from "./baseImage";
export * from "./cpuWorkerGroup";
export * from "./gpuWorkerGroup";
export * from "./headGroup";
export * from "./heavyDependencies";
export * from "./installContainer";
export * from "./installScript";
export * from "./models";
export * from "./naming";
export * from "./ports";
export * from "./rayCluster";
export * from "./rayService";
export * from "./serveConfig";
export * from "./upgradeSpec";
export * from "./volumes";
export * from "./workerEnv";
export * from "./workerImage";
