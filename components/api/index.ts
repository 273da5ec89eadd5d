export { FaceOcrApi, type FaceOcrApiArgs, type RegistryPullAccess } from "./faceOcrApi";
export { apiImageTagFile, type GitopsFile, imageTagFilePath, type ImageTagFileInputs } from "./gitops";
export { childNames, FACE_OCR_API_TYPE } from "./importFile";
export { type ApiNames, apiNames, imagePolicySetter } from "./names";
export { databaseUrl, plainEnv, SECRET_ENV_NAMES } from "./env";
export * from "./specs";
export { API_SECRET_KEYS } from "../../config/secrets";
