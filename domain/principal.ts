/** Who is calling: a user or a service principal of Entra ID (locally, of the dev issuer). */
export interface Principal {
  /** `oid` claim: the object id of the user or service principal */
  userId: string;
  name: string;
  /** holds the `Platform.Admin` app role: may create environments */
  platformAdmin: boolean;
  /** `idtyp: app`: a service principal, e.g. a cloud flow's connection */
  isApp: boolean;
}

export const PLATFORM_ADMIN_ROLE = 'Platform.Admin';
