/**
 * Runs the pinned Pulumi CLI for an engine run: a local file backend and PULUMI_HOME inside the run folder, plugins
 * only from the tool build on PATH (no update check, no plugin download), and the program run by the @pulumi/pulumi
 * SDK's own language runtime in this process, which the CLI joins with `--client`. That is how the SDK's Automation
 * API runs inline programs; it stands in for the pulumi-language-nodejs binary, which is not published as a Go module
 * (tools/engine/README.md). Everything else, engine, provider, policy pack, SDK, is what a real `pulumi up` runs.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { track } from "./processes";

export interface PulumiCliOptions {
  readonly binDir: string;
  readonly projectDir: string;
  readonly runDir: string;
  readonly kubeconfig: string;
  /** Echo of each command and its output, for the run's log. */
  readonly log: (text: string) => void;
}

export interface CommandResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Not a secret: it encrypts the throwaway stack's fake secrets in a backend that is deleted after the run. */
const ENGINE_PASSPHRASE = "engine-run-passphrase-not-a-secret";

export class PulumiCli {
  readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: PulumiCliOptions) {
    const home = path.join(options.runDir, "pulumi-home");
    const backend = path.join(options.runDir, "backend");
    fs.mkdirSync(home, { recursive: true });
    fs.mkdirSync(backend, { recursive: true });
    const inherited = { ...process.env };
    for (const key of Object.keys(inherited)) if (key.startsWith("PULUMI_") || key === "KUBECONFIG") delete inherited[key];
    this.env = {
      ...inherited,
      PATH: `${options.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: ENGINE_PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      KUBECONFIG: options.kubeconfig,
    };
  }

  /** `pulumi ARGS`; with `program`, the CLI runs it through `--client` (preview, up). */
  async run(args: readonly string[], program?: () => unknown): Promise<CommandResult> {
    let server: grpc.Server | undefined;
    let languageServer: { onPulumiExit(hasError: boolean): void } | undefined;
    const fullArgs = [...args, "--color=never"];
    if (program) {
      const started = await startLanguageServer(program);
      server = started.server;
      languageServer = started.languageServer;
      fullArgs.push(`--client=127.0.0.1:${started.port}`);
    }
    const command = `pulumi ${args.join(" ")}`;
    this.options.log(`\n$ ${command}\n`);
    const result = await new Promise<CommandResult>((resolve, reject) => {
      // Its own process group, stopped with the cluster if this run is interrupted: the CLI and its plugins.
      const child = track(
        "pulumi",
        spawn(path.join(this.options.binDir, "pulumi"), fullArgs, {
          cwd: this.options.projectDir,
          env: this.env,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        }),
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        this.options.log(d.toString());
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        this.options.log(d.toString());
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ command, code: code ?? 1, stdout, stderr }));
    });
    if (server) {
      server.forceShutdown();
      languageServer?.onPulumiExit(result.code !== 0);
    }
    return result;
  }
}

async function startLanguageServer(program: () => unknown) {
  // The SDK's own modules, as its Automation API loads them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { LanguageServer } = require("@pulumi/pulumi/automation/server") as {
    LanguageServer: new (program: () => unknown) => grpc.UntypedServiceImplementation & { onPulumiExit(hasError: boolean): void };
  };
  const langrpc = require("@pulumi/pulumi/proto/language_grpc_pb") as { LanguageRuntimeService: grpc.ServiceDefinition };
  const { grpcChannelOptions } = require("@pulumi/pulumi/runtime/settings") as { grpcChannelOptions: grpc.ChannelOptions };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const server = new grpc.Server({ ...grpcChannelOptions });
  const languageServer = new LanguageServer(program);
  server.addService(langrpc.LanguageRuntimeService, languageServer);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, languageServer, port };
}
