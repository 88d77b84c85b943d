#!/usr/bin/env node
/*
 * Runs a real `pulumi` command on the Pulumi project in the current folder, with
 * the project's compiled program served by the Node.js SDK's own language server,
 * the one the Automation API serves inline programs with (`--client`).
 *
 *   node pulumi-with-program.js <compiled program.js> <pulumi args...>
 *
 * Why: the CLI normally starts `pulumi-language-nodejs`, which the Go module proxy
 * this project can reach does not serve (see scripts/pulumi-cli.sh). Everything
 * else is the real thing: the Go engine plans, diffs, displays, stores state and
 * runs policy packs; the program, its dynamic providers and the SDK are the
 * project's own installed copies. Every module is resolved from the project
 * folder, so the SDK that runs the program is the user's `@pulumi/pulumi`.
 * The process exits with the CLI's exit code.
 */
"use strict";
const path = require("node:path");
const { spawn } = require("node:child_process");

const projectDir = process.cwd();
const fromProject = (id) => require(require.resolve(id, { paths: [projectDir] }));

async function main() {
  const [programFile, ...pulumiArgs] = process.argv.slice(2);
  if (!programFile || pulumiArgs.length === 0) {
    process.stderr.write("usage: node pulumi-with-program.js <program.js> <pulumi args...>\n");
    return 2;
  }
  const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi", { paths: [projectDir] }))] }));
  const { LanguageServer } = fromProject("@pulumi/pulumi/automation/server");
  const langrpc = fromProject("@pulumi/pulumi/proto/language_grpc_pb");
  const { grpcChannelOptions } = fromProject("@pulumi/pulumi/runtime");

  // `pulumi up` runs the program twice (preview, then update) through one server: each run
  // must evaluate the project's own modules afresh, as a new language host process would.
  const program = () => {
    const own = (file) => file.startsWith(projectDir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
    for (const file of Object.keys(require.cache)) if (own(file)) delete require.cache[file];
    return require(path.resolve(projectDir, programFile));
  };
  const server = new grpc.Server({ ...grpcChannelOptions });
  const languageServer = new LanguageServer(program);
  server.addService(langrpc.LanguageRuntimeService, languageServer);
  const port = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  const child = spawn("pulumi", [...pulumiArgs, `--client=127.0.0.1:${port}`], { stdio: "inherit" });
  const code = await new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`pulumi-with-program: cannot start pulumi: ${error.message}\n`);
      resolve(127);
    });
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  server.forceShutdown();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`pulumi-with-program: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
