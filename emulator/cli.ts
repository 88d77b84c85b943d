import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startEmulator, type Emulator } from "./index";

const USAGE = `Usage: npm run emulator -- [--port 8080] [--token-lifetime SECONDS] [--rate-limit] [--requests-per-second N] [--empty] [--strict-credential-ids]

Runs the Prisma Cloud Compute + Cortex emulator in the foreground on 127.0.0.1.
The console starts with one registry entry added by someone else (so a
managed-mode \`pulumi destroy\` has an entry to leave in place) and the credential
it names in the credential store; --empty starts both empty.
  --port                  port to listen on (default 8080; 0 picks a free one)
  --token-lifetime        Compute bearer token lifetime in seconds (default 1800)
  --rate-limit            enforce the Cortex tenant rate limit
  --requests-per-second   Cortex rate limit (default 10; implies --rate-limit)
  --empty                 start the console with no registry entries and no credentials
  --strict-credential-ids refuse registry entries naming a credential the store does not hold`;

/**
 * The entry the console starts with: added in the console by someone else,
 * not declared by any program, so it shows how a stack leaves such entries alone.
 */
const SEED_ENTRY: Readonly<Record<string, unknown>> = {
  version: "2",
  registry: "",
  repository: "library/alpine",
  tag: "3.20",
  os: "linux",
  cap: 5,
  scanners: 1,
  collections: ["All"],
  credentialID: "dockerhub",
};
const SEED_DESCRIPTION = "docker.io/library/alpine:3.20 (linux)";

/**
 * The credential the seed entry names, so the seed entry is consistent under --strict-credential-ids
 * (a managed-mode update re-sends it). Its password is random: nothing signs in with it.
 */
function seedCredential(): Record<string, unknown> {
  return { _id: SEED_ENTRY.credentialID, type: "basic", accountID: "someone-else", secret: { plain: randomBytes(12).toString("hex") } };
}

interface CliSettings {
  port: number;
  tokenLifetimeSeconds?: number;
  rateLimit: boolean;
  requestsPerSecond?: number;
  empty: boolean;
  strictCredentialIds: boolean;
}

class UsageError extends Error {}

function parseNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw new UsageError(`--${name} expects a number, got "${text}"`);
  return value;
}

function parseSettings(argv: string[]): CliSettings | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string" },
      "token-lifetime": { type: "string" },
      "rate-limit": { type: "boolean" },
      "requests-per-second": { type: "string" },
      empty: { type: "boolean" },
      "strict-credential-ids": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const requestsPerSecond = parseNumber("requests-per-second", values["requests-per-second"]);
  return {
    port: parseNumber("port", values.port) ?? 8080,
    tokenLifetimeSeconds: parseNumber("token-lifetime", values["token-lifetime"]),
    rateLimit: values["rate-limit"] === true || requestsPerSecond !== undefined,
    requestsPerSecond,
    empty: values.empty === true,
    strictCredentialIds: values["strict-credential-ids"] === true,
  };
}

/** Single quotes keep any character of a generated secret literal when pasted into a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function connectionInstructions(emulator: Emulator, settings: CliSettings): string {
  const { empty } = settings;
  const { compute, cortex } = emulator.credentials;
  const exports = [
    `PRISMA_CLOUD_COMPUTE_URL=${shellQuote(emulator.computeUrl)}`,
    `PRISMA_CLOUD_COMPUTE_USERNAME=${shellQuote(compute.username)}`,
    `PRISMA_CLOUD_COMPUTE_PASSWORD=${shellQuote(compute.password)}`,
    `CORTEX_API_URL=${shellQuote(emulator.cortexUrl)}`,
    `CORTEX_API_KEY=${shellQuote(cortex.advanced.apiKey)}`,
    `CORTEX_API_KEY_ID=${shellQuote(cortex.advanced.apiKeyId)}`,
    `CORTEX_API_KEY_TYPE=advanced`,
  ];
  const pulumiConfig = [
    `pulumi config set prismaCloudCompute:url ${shellQuote(emulator.computeUrl)}`,
    `pulumi config set prismaCloudCompute:username ${shellQuote(compute.username)}`,
    `pulumi config set prismaCloudCompute:password ${shellQuote(compute.password)} --secret`,
    `pulumi config set cortex:apiUrl ${shellQuote(emulator.cortexUrl)}`,
    `pulumi config set cortex:apiKey ${shellQuote(cortex.advanced.apiKey)} --secret`,
    `pulumi config set cortex:apiKeyId ${shellQuote(cortex.advanced.apiKeyId)}`,
    `pulumi config set cortex:apiKeyType advanced`,
  ];
  // These are the emulator's own throwaway credentials, printed so a demo can be wired up by copy and paste.
  return [
    `Registry-scanning emulator listening on ${emulator.url}`,
    ``,
    `Prisma Cloud Compute  ${emulator.computeUrl}/api/v1/...`,
    `  username ${compute.username}`,
    `  password ${compute.password}`,
    empty
      ? `  registry entries: none (started with --empty)`
      : `  registry entries: 1, added in the console by someone else: ${SEED_DESCRIPTION}, with credential "${String(SEED_ENTRY.credentialID)}" (start with --empty for none)`,
    settings.strictCredentialIds
      ? `  credentialID: checked against the credential store (--strict-credential-ids)`
      : `  credentialID: not checked (--strict-credential-ids checks it against the credential store)`,
    `Cortex                ${emulator.cortexUrl}/public_api/v1/...`,
    `  standard key  id ${cortex.standard.apiKeyId}  key ${cortex.standard.apiKey}`,
    `  advanced key  id ${cortex.advanced.apiKeyId}  key ${cortex.advanced.apiKey}`,
    ``,
    `Environment:`,
    `export ${exports.join(" \\\n  ")}`,
    ``,
    `Pulumi stack configuration:`,
    ...pulumiConfig,
    ``,
    `Press Ctrl+C to stop.`,
  ].join("\n");
}

async function main(): Promise<void> {
  let settings: CliSettings | "help";
  try {
    settings = parseSettings(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (settings === "help") {
    console.log(USAGE);
    return;
  }

  const emulator = await startEmulator({
    port: settings.port,
    compute: {
      tokenLifetimeSeconds: settings.tokenLifetimeSeconds,
      entries: settings.empty ? [] : [{ ...SEED_ENTRY, id: randomBytes(12).toString("hex") }],
      credentials: settings.empty ? [] : [seedCredential()],
      strictCredentialIds: settings.strictCredentialIds,
    },
    cortex: { rateLimit: settings.rateLimit, requestsPerSecond: settings.requestsPerSecond },
  });
  console.log(connectionInstructions(emulator, settings));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping the emulator.`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
