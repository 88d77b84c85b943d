/**
 * A user's Pulumi TypeScript project in a temp folder, with the package installed
 * from the packed tarball, and the real `pulumi` CLI run in it against a file
 * backend, offline, as a user would run it.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";

/** The repository root, from source (harness/) and from dist/harness/ alike. */
const REPO_ROOT = [path.resolve(__dirname, ".."), path.resolve(__dirname, "..", "..")].find((dir) =>
  fs.existsSync(path.join(dir, "scripts", "pulumi-with-program.js")),
) ?? path.resolve(__dirname, "..");
const PROGRAM_SERVER = path.join(REPO_ROOT, "scripts", "pulumi-with-program.js");
const PYTHON_PROGRAM_SERVER = path.join(REPO_ROOT, "scripts", "pulumi-with-python-program.py");
export const EXAMPLES_DIR = path.join(REPO_ROOT, "examples");

/** The real CLI and a user's installed dependencies, as `installUserWorld` leaves them. */
const userWorldSchema = z.object({
  /** Folder holding `pulumi` and its bundled launchers. */
  cliBin: z.string(),
  /** The packed package, as it would be published. */
  tarball: z.string(),
  /** Files the tarball holds. */
  packedFiles: z.array(z.string()),
  /** A folder whose node_modules is a user's install from the tarball. */
  userDeps: z.string(),
  /**
   * A Python user's virtualenv interpreter: `pulumi` from PyPI and the SDK generated from the
   * installed package's schema.json (see installPythonWorld).
   */
  python: z.string(),
});
export type UserWorld = z.infer<typeof userWorldSchema>;

/** What `npm pack --json` prints. */
const packOutputSchema = z.array(z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) })).length(1);

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Builds (or finds) the real CLI, packs the package and installs it, as a user's
 * `npm install <tarball> @pulumi/pulumi@<version>` would, into `work`.
 */
export function installUserWorld(work: string, pulumiVersion: string): UserWorld {
  const node = installNodeWorld(work, pulumiVersion);
  return { ...node, python: installPythonWorld(work, node, pulumiVersion) };
}

/** The provider plugin's schema as a user's install of the package holds it. */
export function installedSchemaPath(world: Pick<UserWorld, "userDeps">): string {
  return path.join(world.userDeps, "node_modules", "pulumi-registry-scanning", "schema.json");
}

/**
 * The SDK of the provider plugin for `language`, generated from the installed package's schema.json
 * by Pulumi's own generators (scripts/sdkgen: the functions `pulumi package add` has the language
 * host call), into `out`.
 */
export function generateSdk(world: Pick<UserWorld, "cliBin" | "userDeps">, language: "python" | "go" | "nodejs", out: string): void {
  run(path.join(world.cliBin, "sdkgen"), [installedSchemaPath(world), language, out], REPO_ROOT);
}

/**
 * A Python user's world: a virtualenv with the Pulumi Python SDK from PyPI at the CLI's version
 * and the plugin's SDK, generated and installed as `pulumi package add` would. The plugin itself
 * is the installed package's `pulumi-resource-registryscanning` (on PATH in each project).
 */
function installPythonWorld(work: string, node: Omit<UserWorld, "python">, pulumiVersion: string): string {
  const venv = path.join(work, "python-venv");
  run("python3", ["-m", "venv", venv], work);
  const sdk = path.join(work, "sdk-python");
  generateSdk(node, "python", sdk);
  const python = path.join(venv, "bin", "python");
  run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${pulumiVersion}`, sdk], work);
  return python;
}

function installNodeWorld(work: string, pulumiVersion: string): Omit<UserWorld, "python"> {
  const cliBin = run("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh")], REPO_ROOT).trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(cliBin, "pulumi"))) throw new Error(`scripts/pulumi-cli.sh printed no CLI folder (got "${cliBin}")`);
  const packed = packOutputSchema.parse(JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT)));
  const tarball = path.join(work, packed[0].filename);
  // Installed once; each project links this node_modules (a project of its own would only repeat the download).
  const userDeps = path.join(work, "user-deps");
  fs.mkdirSync(userDeps);
  fs.writeFileSync(path.join(userDeps, "package.json"), JSON.stringify({ name: "infra", private: true }, null, 2));
  const packages = [tarball, `@pulumi/pulumi@${pulumiVersion}`, "@pulumi/policy@^1.21.0", "typescript@~5.9.3", "@types/node@^20"];
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...packages], userDeps);
  return { cliBin, tarball, packedFiles: packed[0].files.map((f) => f.path), userDeps };
}

/** The world the engine suite's global setup installed, from the environment it sets. */
export function userWorldFromEnvironment(): UserWorld {
  const value = process.env.ENGINE_USER_WORLD;
  if (!value) throw new Error("ENGINE_USER_WORLD is not set: run this suite with `npm run test:engine` (its global setup sets it)");
  return userWorldSchema.parse(JSON.parse(value));
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr as the user's terminal shows them. */
  output: string;
}

/** The commands that run the program: served by the Node SDK's language server (see scripts/pulumi-with-program.js). */
const PROGRAM_COMMANDS = new Set(["preview", "up", "update", "refresh", "destroy"]);

/**
 * `tsconfig.json` as `pulumi new typescript` writes it. The program compiles in place, so
 * `__dirname` is the project folder, as under the CLI's own TypeScript loader.
 */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    forceConsistentCasingInFileNames: true,
    types: ["node"],
  },
  files: ["index.ts"],
};

/** The languages a test project is written in: TypeScript (dynamic resources), or YAML and Python (the plugin). */
export type ProjectRuntime = "nodejs" | "yaml" | "python";

export class UserProject {
  readonly home: string;
  readonly backend: string;
  private constructor(
    readonly dir: string,
    private readonly world: UserWorld,
    private readonly secretsPassphrase: string,
    readonly runtime: ProjectRuntime = "nodejs",
  ) {
    this.home = path.join(dir, ".pulumi-home");
    this.backend = path.join(dir, ".pulumi-state");
    fs.mkdirSync(this.home);
    fs.mkdirSync(this.backend);
  }

  /**
   * A project named `name` holding `files` (relative path → content). Its
   * node_modules is the user's install from the tarball (made once by the global setup).
   */
  static create(name: string, files: Record<string, string>, world: UserWorld = userWorldFromEnvironment()): UserProject {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `user-${name}-`));
    const project = new UserProject(dir, world, "correct horse battery staple");
    fs.symlinkSync(path.join(world.userDeps, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.copyFileSync(path.join(world.userDeps, "package.json"), path.join(dir, "package.json"));
    project.write("tsconfig.json", JSON.stringify(TSCONFIG, null, 2));
    project.write("Pulumi.yaml", `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`);
    for (const [file, content] of Object.entries(files)) project.write(file, content);
    return project;
  }

  /**
   * A YAML or Python project using the provider plugin: `Pulumi.yaml` (for YAML, holding the
   * program: pass it in `files`), or `__main__.py` run with the Python world's virtualenv.
   */
  static forPlugin(name: string, runtime: "yaml" | "python", files: Record<string, string>, world: UserWorld = userWorldFromEnvironment()): UserProject {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `user-${name}-`));
    const project = new UserProject(dir, world, "correct horse battery staple", runtime);
    project.write("Pulumi.yaml", `name: ${name}\nruntime: ${runtime}\n`);
    for (const [file, content] of Object.entries(files)) project.write(file, content);
    return project;
  }

  /** A YAML or Python project from examples/<example>: its program files and its own Pulumi.yaml, as a user copies them. */
  static fromPluginExample(example: string, runtime: "yaml" | "python", world: UserWorld = userWorldFromEnvironment()): UserProject {
    const source = path.join(EXAMPLES_DIR, example);
    const files: Record<string, string> = {};
    for (const file of fs.readdirSync(source)) if (/\.(py|ya?ml|txt)$/.test(file)) files[file] = fs.readFileSync(path.join(source, file), "utf8");
    return UserProject.forPlugin(example, runtime, files, world);
  }

  /** A project from examples/<example>: its files as a user would copy them (its Pulumi.yaml's name kept). */
  static fromExample(example: string, world: UserWorld = userWorldFromEnvironment()): UserProject {
    const source = path.join(EXAMPLES_DIR, example);
    const files: Record<string, string> = {};
    for (const file of fs.readdirSync(source)) {
      if (/\.(ts|csv|json)$/.test(file)) files[file] = fs.readFileSync(path.join(source, file), "utf8");
    }
    const name = /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8"))?.[1];
    if (!name) throw new Error(`examples/${example}/Pulumi.yaml has no name`);
    const project = UserProject.create(name, files, world);
    fs.copyFileSync(path.join(source, "Pulumi.yaml"), path.join(project.dir, "Pulumi.yaml"));
    return project;
  }

  write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, file)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, file), content);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.dir, file), "utf8");
  }

  /** Edits a file as a user would in their editor; fails when `from` is not there, so a test never edits nothing. */
  edit(file: string, from: string | RegExp, to: string): void {
    const before = this.read(file);
    const after = before.replace(from, to);
    if (after === before) throw new Error(`${file}: ${String(from)} not found`);
    this.write(file, after);
  }

  /** Type-checks and compiles the program as `pulumi` would before running it (the user's TypeScript, strict). */
  async compile(): Promise<void> {
    const tsc = path.join(this.dir, "node_modules", "typescript", "bin", "tsc");
    const result = await runProcess(process.execPath, [tsc, "-p", "."], this.dir, process.env);
    if (result.code !== 0) throw new Error(`the program does not compile:\n${result.output}`);
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      // The installed package's bin folder holds the plugin, pulumi-resource-registryscanning, as after `npm install --global`.
      PATH: [path.join(this.world.userDeps, "node_modules", ".bin"), this.world.cliBin, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: this.secretsPassphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      NO_COLOR: "1",
      ...extra,
    };
  }

  /** `pulumi <args>` in the project folder. Program commands run the compiled program (call `compile` first). */
  async pulumi(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
    const withProgram = PROGRAM_COMMANDS.has(args[0]);
    const [command, commandArgs] = !withProgram || this.runtime === "yaml"
      ? [path.join(this.world.cliBin, "pulumi"), withProgram ? [...args, "--color", "never"] : args]
      : this.runtime === "python"
        ? [this.world.python, [PYTHON_PROGRAM_SERVER, "__main__.py", ...args, "--color", "never"]]
        : [process.execPath, [PROGRAM_SERVER, "index.js", ...args, "--color", "never"]];
    return runProcess(command, commandArgs, this.dir, this.env(options.env), options.input);
  }

  /** Like `pulumi`, but a non-zero exit fails with what the CLI printed. */
  async ok(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
    const result = await this.pulumi(args, options);
    if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
    return result;
  }

  /** `pulumi stack init` plus each `pulumi config set` (secrets with --secret, the value on stdin as a user pastes it). */
  async initStack(stack: string, config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", stack]);
    for (const [key, value] of Object.entries(config)) await this.ok(["config", "set", key, "--", value]);
    for (const [key, value] of Object.entries(secrets)) await this.ok(["config", "set", "--secret", key], { input: value });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function runProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, output }));
    child.stdin.end(input ?? "");
  });
}
