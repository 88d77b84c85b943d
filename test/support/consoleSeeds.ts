/** The credentials the fixtures' and examples' entries name, as a console's store holds them. */
export const FIXTURE_CREDENTIAL_IDS = [
  "example-registry",
  "acme-registry",
  "dockerhub",
  "aws-ecr-scanner",
  "nexus-scanner",
  "acr-scanner",
  "gcr-scanner",
  "harbor-robot",
  "internal-registry",
] as const;

export function fixtureCredentials(): Record<string, unknown>[] {
  return FIXTURE_CREDENTIAL_IDS.map((id) => ({ _id: id, type: "basic", accountID: "robot", secret: { plain: `fixture-secret-of-${id}` } }));
}

const VERSIONS = ["aws", "azure", "coreos", "2", "dtr", "gcr", "gitlab", "harbor", "bluemix", "jfrog", "redhat", "sonatype"];

/**
 * A console of `count` distinct entries of every registry type, some with
 * fields newer than the package's model, ids and excluded tags, then two
 * entries duplicating an earlier identity: `count + 2` in all.
 */
export function varietyConsole(count: number): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = Array.from({ length: count }, (_, i) => {
    const version = VERSIONS[i % VERSIONS.length];
    const entry: Record<string, unknown> = {
      version,
      registry: i % 7 === 0 ? "" : `registry-${i % 5}.example.com`,
      repository: `team-${i % 9}/app-${i}`,
      tag: i % 3 === 0 ? "" : `v${i}`,
      os: i % 4 === 0 ? "windows" : "linux",
      cap: i % 6,
      scanners: 1 + (i % 3),
      collections: ["All"],
      credentialID: i % 2 === 0 ? "team-registry" : "",
      id: `65f0c1d2e3a4b5c6d7e8${String(i).padStart(4, "0")}`,
    };
    if (version === "gitlab") entry.gitlabRegistrySpec = { groupIDs: [String(i)] };
    if (version === "jfrog") entry.jfrogRepoTypes = ["local", "remote"];
    if (i % 10 === 0) entry.futureField = { keep: i };
    if (i % 11 === 0) entry.excludedTags = ["nightly", "dev"];
    return entry;
  });
  return [...entries, { ...entries[5], cap: 9, id: "dup-1" }, { ...entries[17], id: "dup-2" }];
}

