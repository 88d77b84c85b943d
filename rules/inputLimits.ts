/**
 * Bounds on what a program may declare, judged in `check` before any request.
 * Neither API documents lengths or depths. Where a wider standard sets one it
 * is named; every other bound is ours, far above any real value and low
 * enough to catch a mistake (a file read into the wrong field, a generated
 * tree that never ends) before it reaches the API or the state.
 */
export const INPUT_LIMITS = {
  /** Entry and connector names (ours). */
  nameLength: 256,
  /** URLs: the 2,048 characters browsers and proxies commonly accept. */
  urlLength: 2048,
  /** A registry address: a DNS name (253, RFC 1035) with a port. */
  registryAddressLength: 260,
  /** Repository paths: the OCI distribution spec's 255 characters for registry and name together. */
  repositoryLength: 255,
  /** Tags: the OCI distribution spec's 128 characters. */
  tagLength: 128,
  /** Other plain strings: usernames, regions, ids, namespaces, patterns (ours). */
  textLength: 1024,
  /** Passwords, tokens and keys (ours). */
  secretLength: 16_384,
  /** PEM certificates and bundles (ours: 256 KiB holds hundreds of certificates). */
  certificateLength: 262_144,
  /** Items in one list: collections, excluded repositories and tags, group and project ids (ours). */
  listLength: 10_000,
  /** Nesting of free-form objects such as azureCloudMetadata (ours). */
  objectDepth: 16,
  /** Nesting of a connector's asset scope filter tree (ours). */
  filterDepth: 32,
} as const;

/**
 * Keys no object may have, entry names included: as keys of a plain object
 * they would set its prototype or shadow its methods, and the value would
 * vanish without a word.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
