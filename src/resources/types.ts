/** A resource as resources/list shows it (the MCP Resource fields dba-mcp uses). */
export interface ResourceInfo {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}
