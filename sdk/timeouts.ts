import type * as pulumi from "@pulumi/pulumi";

/**
 * Time limits for one resource's calls to its console or tenant, in seconds.
 * Each field, when set, comes before stack config (`prismaCloudCompute:` /
 * `cortex:` `requestTimeoutSeconds`, `operationTimeoutSeconds`) and the
 * environment. Changing them never touches the console or tenant.
 */
export interface TimeoutsArgs {
  /** How long one request may go unanswered (default 120; greater than 0, at most 3,600). */
  requestSeconds?: pulumi.Input<number>;
  /**
   * How long one operation (a preview's check, create, read, update or delete)
   * may take in all, retries, backoff and rate-limit waits included (default
   * 900; greater than 0, at most 86,400).
   */
  operationSeconds?: pulumi.Input<number>;
}
