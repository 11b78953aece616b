/** Ids as `newId` gives them (GUIDs, lower case), in sequence, so that a test knows the next one: `…-000000000001`, `…-000000000002`, … */
export function idSequence(prefix = '33333333-3333-4333-8333-'): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(12, '0')}`;
}
