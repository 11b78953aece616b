import unhomoglyph from 'unhomoglyph';

// Names of every resource (environments, images, groups, connections, desktop flows, ...): what may be in one, the
// form that is stored, and the key names are unique under. Issue #17: "GА" (Cyrillic А) was accepted beside "GA"
// while "ga" was refused, and right-to-left overrides and zero-width characters were accepted.

/**
 * Characters a name may not hold, whatever else it is: controls (Cc), format characters (Cf: the bidirectional
 * controls U+202A–U+202E, U+2066–U+2069, U+200E/U+200F and U+061C, the zero-width U+200B–U+200D, U+2060 and U+FEFF,
 * soft hyphens, ...), lone surrogates (Cs), private-use (Co) and unassigned (Cn) code points, and the line and
 * paragraph separators (Zl, Zp). All of them are invisible or render differently from place to place, so two names
 * that differ only by them look the same. (Emoji joined with U+200D and Persian or Indic words that need U+200C
 * are refused as well: the brief refuses zero-width characters without exception.)
 */
const REFUSED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/** What is wrong with a name's characters (empty when nothing is); the messages never quote the name. */
export function nameCharacterProblems(name: string): string[] {
  const refused = [...name].find((ch) => REFUSED.test(ch));
  if (refused === undefined) return [];
  const code = `U+${(refused.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return [`Must not contain control, format (bidirectional or zero-width), separator or unassigned characters (found ${code}).`];
}

/** The form a name is stored in: NFKC, so that compatibility variants (full-width letters, ligatures, ...) are one name. */
export function storedName(name: string): string {
  return name.normalize('NFKC');
}

/**
 * Full case folding as far as JavaScript offers it: upper-casing first applies the special casings that fold to more
 * than one letter (ß → SS, ŉ → ʼN), and final sigma folds to σ as Unicode's CaseFolding.txt does.
 */
function caseFold(s: string): string {
  return s.toUpperCase().toLowerCase().replace(/ς/g, 'σ');
}

function keyStep(s: string): string {
  const folded = caseFold(s.normalize('NFKC')).normalize('NFD');
  // Unicode TR39 skeleton: every confusable character replaced by its prototype (confusables.txt, through the
  // unhomoglyph package), then folded again, since some prototypes are capitals ("0" → "O")
  return caseFold(unhomoglyph(folded)).normalize('NFD').replace(/\s+/gu, ' ').trim();
}

/**
 * The key names are unique under in an environment: case-folded NFKC (brief: "unique by case-folded form"), trimmed,
 * inner runs of spaces made one, and then reduced to its Unicode TR39 confusable skeleton, so that names which only
 * look alike ("GA" in Latin and "GА" with a Cyrillic А, "PayPal" and "PayPa1", "2020" and "2O2O") are one name.
 * Case folding comes first, so a capital I is the i it folds to, not the l it resembles (one key cannot make I equal
 * to both). Composed as NFC so that keys read like names. Stable: the key of a key is the key itself, so keys stored
 * in the ledger can be compared by re-keying them.
 */
export function nameKey(name: string): string {
  let key = keyStep(name);
  // a prototype's own prototype is itself, so this settles at once; the bound only guards against a data change
  for (let i = 0; i < 3; i++) {
    const again = keyStep(key);
    if (again === key) break;
    key = again;
  }
  return key.normalize('NFC');
}
