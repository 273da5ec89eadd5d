/** The Pulumi project's name, as Pulumi.yaml gives it: the prefix of its config keys (`face-ocr-platform:ray`) and part of every URN. */
export const PROJECT_NAME = "face-ocr-platform";
