/** A document of the control container: everything lives in its environment's partition. */
export interface StoredDocument {
  id: string;
  environmentId: string;
  type: string;
  createdAt: string;
  updatedAt: string;
}
