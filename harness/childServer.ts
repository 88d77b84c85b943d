import { spawn, type ChildProcess } from "node:child_process";

export interface ChildServer {
  process: ChildProcess;
  port: number;
  /** Everything the child wrote to stderr and stdout after its port line, for assertions on logs. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a Pulumi plugin-style server (it prints its port on the first line
 * of stdout, as the engine expects) and waits for that port.
 */
export function startChildServer(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ChildServer> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  return new Promise((resolve, reject) => {
    let port: number | undefined;
    const onExit = (code: number | null) => {
      if (port === undefined) reject(new Error(`${command} ${args.join(" ")} exited with ${code} before printing its port:\n${stdout}${log}`));
    };
    child.once("exit", onExit);
    child.once("error", reject);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (port !== undefined) {
        log += chunk.toString();
        return;
      }
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      port = Number(stdout.slice(0, newline).trim());
      log += stdout.slice(newline + 1);
      if (!Number.isInteger(port) || port <= 0) {
        reject(new Error(`${command} printed no port: ${stdout}`));
        return;
      }
      resolve({
        process: child,
        port,
        output: () => log,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
