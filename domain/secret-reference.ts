/** Where a secret lives in the secret store; the only thing about a secret that Cosmos keeps. */
export interface SecretReference {
  name: string;
  /** Absent: the latest version. */
  version?: string;
}
