import type * as pulumi from "@pulumi/pulumi";

type InputFields<T> = { [K in keyof T]?: pulumi.Input<T[K]> };

export type RegistryVersion = "aws" | "azure" | "coreos" | "2" | "dtr" | "gcr" | "gitlab" | "harbor" | "bluemix" | "jfrog" | "redhat" | "sonatype";
export type RegistryOs = "linux" | "linuxARM64" | "windows";
export type JfrogRepoType = "local" | "remote" | "virtual";

export interface GitlabRegistrySpecArgs {
  userId?: pulumi.Input<string>;
  projectIds?: pulumi.Input<pulumi.Input<string>[]>;
  groupIds?: pulumi.Input<pulumi.Input<string>[]>;
  excludedGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  apiDomainName?: pulumi.Input<string>;
}

/** One registry scanning entry, in the API's fields, camelCased. */
export interface RegistrySpecificationArgs
  extends InputFields<{
    /** Registry address; empty for Docker Hub (the default). */
    registry: string;
    /** IBM Cloud namespace. */
    namespace: string;
    /** Repository to scan; `library/<name>` for Docker official images; wildcards allowed. */
    repository: string;
    tag: string;
    os: RegistryOs;
    /** Newest images to scan per repository. */
    cap: number;
    /** Defenders per scan job. */
    scanners: number;
    collections: string[];
    /** Id of a credential in the console's credential store. */
    credentialId: string;
    excludedRepositories: string[];
    excludedTags: string[];
    harborDeploymentSecurity: boolean;
    jfrogRepoTypes: JfrogRepoType[];
    versionPattern: string;
    /** PEM of the CA that signed the registry's certificate. */
    caCert: string;
    /** Azure metadata, in the API's own field names. */
    azureCloudMetadata: Record<string, unknown>;
    gitlabRegistrySpec: GitlabRegistrySpecArgs;
  }> {
  /** Registry type: aws (ECR), azure (ACR), coreos (Quay), 2 (Docker Registry v2), dtr, gcr, gitlab, harbor, bluemix, jfrog, redhat, sonatype. */
  version: pulumi.Input<RegistryVersion>;
}

/**
 * A registry entry to declare in a `RegistrySettings`. A plain value, not a
 * Pulumi resource, so tens of thousands of them cost nothing; `name` is the
 * entry's stable key in previews and state.
 */
export class RegistrySpecification {
  constructor(
    readonly name: string,
    readonly args: RegistrySpecificationArgs,
  ) {}
}
