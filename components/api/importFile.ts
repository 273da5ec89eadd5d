/**
 * The component's type token and its children's logical names, which `npm run adopt` (adopt/importFile.ts) finds in
 * the offline plan and puts into the `pulumi import --file` document: never renamed, a rename is a replace.
 */

export const FACE_OCR_API_TYPE = "face-ocr:api:FaceOcrApi";

/** Logical names of the component's children, derived from the component's name. */
export function childNames(name: string) {
  return {
    namespace: `${name}-namespace`,
    helmRepository: `${name}-helm-repository`,
    secretEnv: `${name}-secret-env`,
    helmRelease: `${name}-helm-release`,
    imageRepository: `${name}-image-repository`,
    imagePolicy: `${name}-image-policy`,
  } as const;
}
