/**
 * The security context of every Ray container. The Ray images (and the
 * worker image built FROM them, `USER ray`) run as `ray`, uid 1000; nothing in
 * them needs root, a capability or privilege escalation. The root filesystem
 * stays writable: Ray writes its session under /tmp/ray and pip caches under
 * the home directory.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { SecurityContextConfig } from "../../config/sections/ray";

export function containerSecurityContext(config: SecurityContextConfig): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: config.runAsNonRoot,
    runAsUser: config.runAsUser,
    allowPrivilegeEscalation: config.allowPrivilegeEscalation,
    ...(config.dropAllCapabilities ? { capabilities: { drop: ["ALL"] } } : {}),
  };
}
