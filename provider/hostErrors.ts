/** How the provider host names this package on the lines it prints. */
const PACKAGE_NAME = "pulumi-registry-scanning";

/**
 * An error as the dynamic-provider host should see it from check, diff, read
 * or delete. The host prints `${error}: ${error.stack}` on stderr for those,
 * and the CLI shows that line to the user: made of the message alone, it
 * reads "pulumi-registry-scanning: <message>" instead of a JavaScript stack.
 * The engine's error, built from the message, is unchanged.
 */
export function forProviderHost(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const plain = new Error(message);
  plain.toString = () => PACKAGE_NAME;
  plain.stack = message;
  return plain;
}

/**
 * What create and update throw when they leave something behind (`id` and
 * `properties`): the engine records a partial state and, from the failure's
 * details, shows `reasons` to the user; without them it shows only
 * "resource init failed".
 */
export interface PartialStateError {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: readonly string[];
}
