/**
 * The plugin as other languages and launchers reach it: the Go SDK generated
 * from the installed schema compiles into a program, and the installed
 * package starts as a source plugin the way the Node.js language host starts
 * one (the SDK's run-plugin with the package folder), serving its schema.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateSdk, installedSchemaPath, userWorldFromEnvironment } from "../../harness/userProject";

const world = userWorldFromEnvironment();
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function tempFolder(name: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  folders.push(folder);
  return folder;
}

const GO_PROGRAM = `package main

import (
	"example.com/pulumi-registryscanning/sdk/go/registryscanning/compute"
	"example.com/pulumi-registryscanning/sdk/go/registryscanning/cortex"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		settings, err := compute.NewRegistrySettings(ctx, "registry", &compute.RegistrySettingsArgs{
			Specifications: compute.RegistryEntryMap{
				"app": compute.RegistryEntryArgs{
					Version:      pulumi.String("2"),
					Registry:     pulumi.String("registry.example.com"),
					Repository:   pulumi.String("team/app"),
					Os:           pulumi.String("linux"),
					Cap:          pulumi.Int(5),
					CredentialId: pulumi.String("example-registry"),
				},
			},
		})
		if err != nil {
			return err
		}
		connector, err := cortex.NewCortexRegistryConnector(ctx, "connector", &cortex.CortexRegistryConnectorArgs{
			Vendor:                   pulumi.String("DOCKER"),
			Name:                     pulumi.String("team-docker"),
			Url:                      pulumi.String("https://registry.example.com"),
			Username:                 pulumi.String("robot"),
			Password:                 pulumi.ToSecret(pulumi.String("from-config")).(pulumi.StringOutput),
			ScanningMode:             pulumi.String("CLOUD"),
			Region:                   pulumi.String("us-east-1"),
			InsecurePull:             pulumi.Bool(false),
			InitialScanConfiguration: cortex.InitialScanConfigurationArgs{Mode: pulumi.String("ALL")},
		})
		if err != nil {
			return err
		}
		ctx.Export("managed", settings.ManagedCount)
		ctx.Export("connectorId", connector.ConnectorId)
		return nil
	})
}
`;

describe("the plugin for other languages", () => {
  it("gives Go programs an SDK that compiles (go build), generated from the installed schema by Pulumi's Go generator", () => {
    const work = tempFolder("go-user");
    generateSdk(world, "go", path.join(work, "sdk"));
    const program = path.join(work, "infra");
    fs.mkdirSync(program);
    fs.writeFileSync(path.join(program, "main.go"), GO_PROGRAM);
    const goMod = fs.readFileSync(path.join(work, "sdk", "go.mod"), "utf8");
    const sdkModule = /^module (\S+)/m.exec(goMod)?.[1];
    expect(sdkModule).toBe("example.com/pulumi-registryscanning/sdk/go");
    fs.writeFileSync(
      path.join(program, "go.mod"),
      `module example.com/infra\n\ngo 1.25\n\nrequire (\n\t${sdkModule} v0.0.0\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.248.0\n)\n\nreplace ${sdkModule} => ../sdk\n`,
    );
    const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };
    const build = spawnSync("go", ["build", "-o", "infra", "."], { cwd: program, env, encoding: "utf8" });
    expect(build.stderr.split("\n").filter((line) => !line.startsWith("go: downloading") && !line.startsWith("go: finding") && line !== "")).toEqual([]);
    expect(build.status).toBe(0);
    expect(fs.statSync(path.join(program, "infra")).size).toBeGreaterThan(1_000_000);
  });

  it("starts from the installed package folder as the Node.js language host starts a source plugin, and serves the schema.json it ships", async () => {
    const packageDir = path.dirname(installedSchemaPath(world));
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [world.userDeps] });
    // As the host runs it: node <run-plugin> <plugin folder> <engine address>, in the project's folder.
    const child = spawn(process.execPath, [runPlugin, packageDir, "127.0.0.1:1"], { cwd: world.userDeps, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const line = /^(\d+)\n/.exec(out);
          if (line) resolve(Number(line[1]));
        });
        child.on("exit", (code) => reject(new Error(`the plugin exited ${code} before printing its port`)));
      });
      const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [world.userDeps] }));
      const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] })) as typeof import("@grpc/grpc-js");
      const providerGrpc = require(path.join(sdk, "proto", "provider_grpc_pb")) as {
        ResourceProviderClient: new (address: string, credentials: unknown) => {
          getSchema(request: unknown, callback: (error: Error | null, response: { getSchema(): string }) => void): void;
          close(): void;
        };
      };
      const providerPb = require(path.join(sdk, "proto", "provider_pb")) as typeof import("@pulumi/pulumi/proto/provider_pb");
      const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const schema = await new Promise<string>((resolve, reject) =>
        client.getSchema(new providerPb.GetSchemaRequest(), (error, response) => (error ? reject(error) : resolve(response.getSchema()))),
      );
      client.close();
      expect(JSON.parse(schema)).toEqual(JSON.parse(fs.readFileSync(installedSchemaPath(world), "utf8")));
    } finally {
      child.kill();
    }
  });
});
