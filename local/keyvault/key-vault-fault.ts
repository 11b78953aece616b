/** An error the Key Vault service would answer, with its HTTP status and Key Vault error code. */
export class KeyVaultFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'KeyVaultFault';
  }

  static secretNotFound(name: string, version?: string): KeyVaultFault {
    const id = version === undefined ? name : `${name}/${version}`;
    return new KeyVaultFault(404, 'SecretNotFound', `A secret with (name/id) ${id} was not found in this key vault.`);
  }

  static deletedSecretNotFound(name: string): KeyVaultFault {
    return new KeyVaultFault(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
  }

  static nameTakenByDeletedSecret(name: string): KeyVaultFault {
    return new KeyVaultFault(
      409,
      'Conflict',
      `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
    );
  }

  static disabled(name: string): KeyVaultFault {
    return new KeyVaultFault(403, 'Forbidden', `Operation get is not allowed on a disabled secret: ${name}.`);
  }

  static badParameter(message: string): KeyVaultFault {
    return new KeyVaultFault(400, 'BadParameter', message);
  }

  /** An operation of the real API the peer does not implement: a clear refusal, never a silent stand-in. */
  static notImplemented(operation: string, method: string, path: string): KeyVaultFault {
    return new KeyVaultFault(501, 'NotImplemented', `The local Key Vault peer does not implement ${operation} (${method} ${path}).`);
  }

  static methodNotAllowed(method: string, path: string, allowed: string[]): KeyVaultFault {
    return new KeyVaultFault(405, 'MethodNotAllowed', `The method ${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`, {
      allow: allowed.join(', '),
    });
  }
}
