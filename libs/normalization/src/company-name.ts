import { LEGAL_FORMS } from './legal-forms';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `llc`, `llc.`, `l.l.c`, `l.l.c.`; never a mix, which would find `a.b` inside `A.B.C.`. */
const abbreviation = (form: string): string => `(?:${escape(form)}|${[...form].map(escape).join('\\.')})\\.?`;

const WORD_CHAR = '[\\p{L}\\p{N}]';
/** An initial in a dotted run such as `A.B.C.`: `A.B` there is not the legal form AB. */
const INITIAL_BEFORE = `(?<!(?<!${WORD_CHAR})${WORD_CHAR}\\.)`;
const INITIAL_AFTER = `(?!\\.${WORD_CHAR}(?!${WORD_CHAR}))`;

/** A Latin letter with a diacritic also matches its plain spelling in a spelled-out form (`societe`). */
const foldable = (char: string): string => {
  if (char === 'ß') return '(?:ß|ss)';
  if (char === 'ø') return '[øo]';
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  return base !== char && /^[a-z]$/.test(base) ? `[${char}${base}]` : escape(char);
};
const spelled = (form: string): string =>
  form
    .split(' ')
    .map((word) => [...word].map(foldable).join(''))
    .join('\\s+');

/**
 * The letters a legal form can start with: a lookahead on them first lets the regex engine turn
 * away most positions of a name with one character test instead of the lookbehinds.
 */
const FIRST_LETTERS = `[${[
  ...new Set(
    LEGAL_FORMS.flatMap((form) => [
      ...(form.abbr ?? []),
      ...(form.dotted ?? []),
      ...(form.spelled ?? []),
    ]).flatMap((text) => [text[0]!, text.normalize('NFD')[0]!]),
  ),
]
  .map(escape)
  .join('')}]`;

/**
 * Any legal form of LEGAL_FORMS standing as a whole word: not inside a word, a hyphenated word
 * (`Co-op`) or a run of initials. Longest first, so `limited liability company` wins over `limited`.
 */
const LEGAL_FORM = new RegExp(
  `(?=${FIRST_LETTERS})(?<![\\p{L}\\p{N}-])${INITIAL_BEFORE}(?:${LEGAL_FORMS.flatMap((form) => [
    ...(form.spelled ?? []).map(spelled),
    ...(form.abbr ?? []).map(abbreviation),
    ...(form.dotted ?? []).map(escape),
  ])
    .sort((a, b) => b.length - a.length)
    .join('|')})(?![\\p{L}\\p{N}-])${INITIAL_AFTER}`,
  'gu',
);

/** Double quotes and guillemets only ever delimit: they become a space, so `ООО«Ромашка»` keeps two words. */
const DOUBLE_QUOTES = /["«»„“”‹›]/gu;
/** Single quotes inside a word are apostrophes (O'Reilly → oreilly); anywhere else they delimit. */
const APOSTROPHE = /(?<=[\p{L}\p{N}])['‘’`](?=[\p{L}\p{N}])/gu;
const SINGLE_QUOTES = /['‘’`‚]/gu;
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;

function withoutQuotes(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/gu, 'е')
    .replace(DOUBLE_QUOTES, ' ')
    .replace(APOSTROPHE, '')
    .replace(SINGLE_QUOTES, ' ');
}

const words = (text: string): string => text.replace(NOT_WORD, ' ').trim();

/**
 * A company name for matching: lowercase, ё → е, quotes and legal forms removed, punctuation turned
 * into spaces, whitespace collapsed. A name that is nothing but a legal form keeps it, so a
 * non-empty name never normalizes to ''.
 */
export function normalizeCompanyName(input: string): string {
  const unquoted = withoutQuotes(input);
  return words(unquoted.replace(LEGAL_FORM, ' ')) || words(unquoted);
}

/**
 * Cyrillic → Latin, after GOST 7.79-2000 system B, simplified to letters only (the spelling
 * Russian companies usually choose for themselves). Covers Russian plus the Ukrainian,
 * Belarusian and Kazakh letters seen in CIS company names.
 */
export const TRANSLITERATION: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Ukrainian, Belarusian
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
  // Kazakh
  ә: 'a',
  ғ: 'g',
  қ: 'k',
  ң: 'n',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
};

/**
 * The other Cyrillic → Latin schemes a company's own Latin name follows, as differences from
 * TRANSLITERATION (GOST 7.79-2000 B): the practical English spelling (`х` → h, `кс` → x, a final
 * `ий` / `ый` → y: Yandex, Kaspersky) and ICAO Doc 9303, the passport scheme (`й` → i, `я` → ia,
 * `ю` → iu: Lukoil).
 */
const PRACTICAL: Readonly<Record<string, string>> = { ...TRANSLITERATION, х: 'h', щ: 'sch' };
const ICAO: Readonly<Record<string, string>> = { ...TRANSLITERATION, й: 'i', я: 'ia', ю: 'iu', ъ: 'ie' };
/** Latin letters whose diacritic is not a combining mark (NFD leaves them whole). */
const STRIP_SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
/** The German / Scandinavian convention: ü → ue, ø → oe, å → aa (the rest as STRIP_SPECIAL). */
const EXPAND: Readonly<Record<string, string>> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  ø: 'oe',
  å: 'aa',
};

const CYRILLIC = /\p{Script=Cyrillic}/u;
const COMBINING_MARKS = /\p{M}/gu;
const SPECIAL_LATIN = /[ßøæœđðłþıħ]/gu;
const EXPANDED_LATIN = /[äöüøå]/gu;
const EXPANDABLE = /[äöüøå]/u;
/** Already a key once the spaces go: ASCII letters, digits and spaces only (most names). */
const PLAIN = /^[a-z0-9 ]*$/;

/**
 * At most this many keys a name: 3 Cyrillic schemes × 2 diacritic conventions. Most names give
 * one (ASCII, or Cyrillic whose schemes agree), a Cyrillic name up to 3, a Latin name with
 * diacritics 2.
 */
export const MAX_NAME_KEYS = 6;

/** A scheme as an array over U+0400..U+04FF (undefined: the letter is kept), read by char code. */
const CYRILLIC_BLOCK = 0x400;
const asBlock = (table: Readonly<Record<string, string>>): (string | undefined)[] => {
  const block = new Array<string | undefined>(256).fill(undefined);
  for (const [letter, latin] of Object.entries(table)) block[letter.charCodeAt(0) - CYRILLIC_BLOCK] = latin;
  return block;
};
const GOST_BLOCK = asBlock(TRANSLITERATION);
const PRACTICAL_BLOCK = asBlock(PRACTICAL);
const ICAO_BLOCK = asBlock(ICAO);
/** Letters the three schemes write differently; a name without any gives one spelling. */
const SCHEMES_DIFFER = /[хщйяюъ]|кс/u;

/**
 * Cyrillic letters through `block`; with `practical`, also `кс` → x and a word-final `ий` / `ый`
 * → y. A loop over char codes, not a regex with a callback: this runs for every row of an import.
 */
function transliterate(name: string, block: readonly (string | undefined)[], practical: boolean): string {
  let out = '';
  let run = 0; // start of the pending run of characters kept as they are
  for (let i = 0; i < name.length; i++) {
    const at = name.charCodeAt(i) - CYRILLIC_BLOCK;
    if (at < 0 || at > 255) continue;
    let latin = block[at];
    let width = 1;
    if (practical) {
      const next = name[i + 1];
      const letter = name[i];
      if (letter === 'к' && next === 'с') {
        latin = 'x';
        width = 2;
      } else if (
        (letter === 'и' || letter === 'ы') &&
        next === 'й' &&
        // The normalized name has single spaces between words and none at the ends.
        (i + 2 === name.length || name[i + 2] === ' ')
      ) {
        latin = 'y';
        width = 2;
      }
    }
    if (latin === undefined) continue;
    out += name.slice(run, i) + latin;
    i += width - 1;
    run = i + 1;
  }
  return run === 0 ? name : out + name.slice(run);
}

const stripped = (latin: string): string =>
  PLAIN.test(latin)
    ? latin
    : latin
        .normalize('NFD')
        .replace(COMBINING_MARKS, '')
        .replace(SPECIAL_LATIN, (letter) => STRIP_SPECIAL[letter]!);

/** The expanded spelling, or undefined when the form has no letter it expands. */
const expanded = (latin: string): string | undefined =>
  EXPANDABLE.test(latin) ? stripped(latin.replace(EXPANDED_LATIN, (letter) => EXPAND[letter]!)) : undefined;

/**
 * The keys a company name is matched on: normalizeCompanyName, then every plausible Latin
 * spelling of it, spaces removed. A Cyrillic name is transliterated by three schemes (GOST 7.79 B,
 * practical English, ICAO); Latin letters with diacritics are written both plainly (ü → u, ß → ss,
 * ø → o) and expanded (ü → ue, ø → oe, å → aa). The first key is GOST with plain letters (the
 * `companyNameKey`); the rest follow without repeats, at most MAX_NAME_KEYS. Two names match when
 * their key sets share a key: `Яндекс` gives yandeks, yandex, iandeks, so it matches `Yandex` and
 * `Yandeks`; `Müller` gives muller, mueller. `''` gives [].
 */
export function companyNameKeys(input: string): string[] {
  const name = normalizeCompanyName(input);
  if (PLAIN.test(name)) return name === '' ? [] : [name.replace(/ /g, '')];
  const latin = CYRILLIC.test(name)
    ? [
        // Before NFD, which would split й into и + breve.
        transliterate(name, GOST_BLOCK, false),
        ...(SCHEMES_DIFFER.test(name) || /[иы]й/u.test(name)
          ? [transliterate(name, PRACTICAL_BLOCK, true), transliterate(name, ICAO_BLOCK, false)]
          : []),
      ]
    : [name];
  const keys: string[] = [];
  const add = (key: string | undefined) => {
    if (key === undefined) return;
    const compact = key.replace(/ /g, '');
    if (compact !== '' && !keys.includes(compact) && keys.length < MAX_NAME_KEYS) keys.push(compact);
  };
  for (const form of latin) add(stripped(form));
  for (const form of latin) add(expanded(form));
  return keys;
}

/**
 * The primary key of a company name: normalizeCompanyName, Cyrillic transliterated with
 * TRANSLITERATION, Latin diacritics dropped (ß → ss, ø → o), spaces removed. `ООО «Ромашка»` and
 * `Romashka LLC` both give `romashka`. Match on `companyNameKeys`, which holds this key first.
 */
export function companyNameKey(input: string): string {
  return companyNameKeys(input)[0] ?? '';
}
