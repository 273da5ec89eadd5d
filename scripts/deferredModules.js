/**
 * Modules the Pulumi SDK loads as it starts that a run of this project's commands (a plan under mocks, a policy run,
 * a check) never uses, given to the SDK as stand-ins that load the real module on first use. Nothing else changes: a
 * run that does use one (pulumi.automation.LocalWorkspace, say) gets the real module then, whole.
 *
 * - `typescript` (8 MB) and `normalize-package-data` (with its SPDX license tables), which the SDK loads for
 *   serializing closures;
 * - `ajv-i18n` (every language's messages), which kubernetes-models loads to word a validation error.
 *
 * Not deferred: modules a user's function can capture (the SDK's `automation` and `provider`, `glob` under
 * `k8s.yaml`). Pulumi's closure serializer knows a module only as the object in `require.cache`, so a stand-in would
 * be serialized as a copy of the module instead of a `require`.
 *
 * This is scripts/runCompiled.js's: `pulumi preview` and `pulumi up` load the SDK as it is.
 */
"use strict";
const Module = require("module");
const path = require("path");

const SDK = path.join("node_modules", "@pulumi", "pulumi");

/**
 * Each: the file that requires the module, the request as it writes it, and two facts of the module's exports that
 * the stand-in must answer without loading it: whether they are an ES module compiled to CommonJS (`__esModule`,
 * which TypeScript's and tslib's import helpers read as they bind it) and whether they are a function (called, not
 * only read).
 */
const DEFERRED = [
  { parent: path.join(SDK, "typescript-shim.js"), request: "typescript", esModule: false, callable: false },
  { parent: path.join(SDK, "runtime", "closure", "codePaths.js"), request: "normalize-package-data", esModule: false, callable: true },
  {
    parent: path.join("node_modules", "@kubernetes-models", "validate", "dist", "validate.js"),
    request: "ajv-i18n",
    esModule: false,
    callable: false,
  },
];

function installDeferredModules() {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const deferred = parent && parent.filename && DEFERRED.find((d) => d.request === request && parent.filename.endsWith(d.parent));
    if (deferred) return lazyModule(deferred, () => load.call(this, request, parent, isMain));
    return load.apply(this, arguments);
  };
}

/** A stand-in for a module's exports that loads it on first use: every property and key comes from the real one. */
function lazyModule({ esModule, callable }, loadReal) {
  // A function's stand-in is an arrow function: callable, and without a `prototype` of its own to disagree with.
  const target = callable ? () => {} : {};
  let exports;
  const real = () => {
    if (exports === undefined) {
      exports = loadReal();
      // Copy every property across so the proxy's answers agree with its target, as proxies must.
      Object.defineProperties(target, Object.getOwnPropertyDescriptors(exports));
    }
    return target;
  };
  return new Proxy(target, {
    get: (_t, key, receiver) =>
      key === "__esModule" && exports === undefined ? esModule || undefined : Reflect.get(real(), key, receiver),
    has: (_t, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(real(), key),
    set: (_t, key, value, receiver) => Reflect.set(real(), key, value, receiver),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_t, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    // Freezing or sealing the stand-in loads the module first, so its properties are there to freeze.
    isExtensible: () => Reflect.isExtensible(real()),
    preventExtensions: () => Reflect.preventExtensions(real()),
    apply: (_t, self, args) => {
      real();
      return Reflect.apply(exports, self, args);
    },
  });
}

module.exports = { DEFERRED, installDeferredModules };
