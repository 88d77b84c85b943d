import { randomUUID } from "node:crypto";

export interface CortexConnectorRecord {
  connectorId: string;
  /** As stored, secrets (password, auth_token) included. */
  body: Record<string, unknown>;
}

/** Registry connectors by id. The API has no list endpoint, so neither does this store's HTTP face. */
export class ConnectorStore {
  private readonly connectors = new Map<string, Record<string, unknown>>();

  create(body: Record<string, unknown>): string {
    return this.save(randomUUID(), body);
  }

  /** Test seeding: stored as given; a string connector_id in the body is honoured so a test can pick the id. */
  seed(body: Record<string, unknown>): string {
    const requestedId = body.connector_id;
    return this.save(typeof requestedId === "string" && requestedId !== "" ? requestedId : randomUUID(), body);
  }

  replace(connectorId: string, body: Record<string, unknown>): boolean {
    if (!this.connectors.has(connectorId)) return false;
    this.save(connectorId, body);
    return true;
  }

  get(connectorId: string): CortexConnectorRecord | undefined {
    const body = this.connectors.get(connectorId);
    return body === undefined ? undefined : { connectorId, body: structuredClone(body) };
  }

  delete(connectorId: string): boolean {
    return this.connectors.delete(connectorId);
  }

  all(): CortexConnectorRecord[] {
    return [...this.connectors.entries()].map(([connectorId, body]) => ({
      connectorId,
      body: structuredClone(body),
    }));
  }

  clear(): void {
    this.connectors.clear();
  }

  private save(connectorId: string, body: Record<string, unknown>): string {
    this.connectors.set(connectorId, { ...structuredClone(body), connector_id: connectorId });
    return connectorId;
  }
}
