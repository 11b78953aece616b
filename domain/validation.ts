/** A GUID, any case: the form of every id the server makes (path ids are parsed against it at the edge, api/http/path-params.ts). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
