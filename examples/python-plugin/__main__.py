"""Registry entries generated from a list of services, and an Artifactory connector."""
import pulumi
from pulumi_registryscanning import compute, cortex

config = pulumi.Config()
services = ["app", "worker"]

settings = compute.RegistrySettings(
    "registry",
    specifications={
        name: compute.RegistryEntryArgs(
            version="2",
            registry="registry.example.com",
            repository=f"team/{name}",
            os="linux",
            cap=5,
            credential_id="example-registry",
        )
        for name in services
    },
)

artifactory = cortex.CortexRegistryConnector(
    "artifactory",
    vendor="JFROG",
    name="team-artifactory",
    url="https://artifactory.example.com",
    username="robot",
    auth_token=config.require_secret("artifactoryToken"),
    scanning_mode="CLOUD",
    region="us-east-1",
    insecure_pull=False,
    initial_scan_configuration=cortex.InitialScanConfigurationArgs(mode="ALL"),
)

pulumi.export("managed", settings.managed_count)
pulumi.export("unmanaged", settings.unmanaged_count)
pulumi.export("connectorId", artifactory.connector_id)
