import * as pulumi from "@pulumi/pulumi";

/**
 * `args` with each of `fields` that is set wrapped in `pulumi.secret`, so the
 * engine encrypts it in the state even when the program passed a plain string.
 */
export function withSecretFields<T extends object>(args: T, fields: readonly string[]): T {
  const marked = Object.entries(args).map(([key, value]) =>
    fields.includes(key) && value !== undefined && value !== null ? [key, pulumi.secret(value)] : [key, value],
  );
  // Same keys, each value the same Input or that Input as a secret: still a T.
  return Object.fromEntries(marked) as T;
}

/** The resource options that also declare `fields` secret outputs. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions, fields: readonly string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts.additionalSecretOutputs ?? []), ...fields] };
}
