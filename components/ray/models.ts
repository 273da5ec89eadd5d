/**
 * The ML models the initContainer downloads into the model-cache PVC, once:
 * a model already on the volume is not downloaded again.
 */

export interface ModelDownload {
  /** Name in the script's messages, e.g. `SCRFD`. */
  readonly name: string;
  /** Source URL. */
  readonly url: string;
  /** File name inside the model cache, as the worker code opens it. */
  readonly file: string;
}

/** InsightFace buffalo_l, from the immich-app mirror on Hugging Face. */
export const MODEL_DOWNLOADS: readonly ModelDownload[] = [
  // ~17 MB face detector.
  { name: "SCRFD", url: "https://huggingface.co/immich-app/buffalo_l/resolve/main/detection/model.onnx", file: "scrfd_10g.onnx" },
  // ~167 MB face embedder.
  { name: "ArcFace", url: "https://huggingface.co/immich-app/buffalo_l/resolve/main/recognition/model.onnx", file: "w600k_r50.onnx" },
];
