import { createRequire } from 'node:module';

let applied = false;

/**
 * The local Cosmos peer (@vercel/cosmosdb-server) compiles each query with @zeit/cosmosdb-query, whose generated code
 * starts with `$c.reduce(($, c) => typeof c !== "undefined" ? [...$, { c: c }] : $, [])`: a copy of the array per
 * document, quadratic in the container's documents (a COUNT over 10,000 runs takes 0.1 s, over 16,000 runs 5 s, over
 * 30,000 runs 32 s on this machine), where Azure Cosmos DB answers such queries from its indexes. That one step is
 * rewritten into the linear `filter` + `map` it means (same rows, same order), in the process the peer runs in.
 * Nothing else of the peer changes: it still scans every document of a container per query.
 */
export function speedUpPeerQueries(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  const serverEntry = require.resolve('@vercel/cosmosdb-server');
  const compile = (require(require.resolve('@zeit/cosmosdb-query', { paths: [serverEntry] })) as { default: (q: string) => object }).default;
  const prototype = Object.getPrototypeOf(compile('SELECT * FROM c')) as object;
  const original = Object.getOwnPropertyDescriptor(prototype, 'code')?.get;
  if (original === undefined) throw new Error('@zeit/cosmosdb-query changed: no code getter to patch');
  const quadratic = /\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*(\w+): \1\s*\}\] : \$, \[\]\)/g;
  Object.defineProperty(prototype, 'code', {
    configurable: true,
    get(this: object) {
      const code = original.call(this) as string;
      return code.replace(
        quadratic,
        (_, item: string, alias: string) => `.filter((${item}) => typeof ${item} !== "undefined").map((${item}) => ({ ${alias}: ${item} }))`,
      );
    },
  });
}
