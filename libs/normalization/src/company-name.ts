/**
 * Legal forms removed from company names. Abbreviations are written plainly and also match with
 * dots between the letters (`llc` matches `L.L.C.`); long forms match with any whitespace between
 * their words. Written in the form the name has at that point: lowercase, ё already folded to е.
 */
const ABBREVIATIONS = [
  // Latin (English, German, French, Dutch, Nordic, …)
  'llc',
  'inc',
  'ltd',
  'corp',
  'co',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'bv',
  'nv',
  'plc',
  'llp',
  'lp',
  'oy',
  'ab',
  'pty',
  'kg',
  'srl',
  'sarl',
  // Russian forms as they appear in English-language records and registries.
  'jsc',
  'pjsc',
  'cjsc',
  'ojsc',
  'ooo',
  'oao',
  'zao',
  'pao',
  'ao',
  // Cyrillic
  'ооо',
  'оао',
  'зао',
  'ао',
  'пао',
  'нао',
  'ип',
  'тоо',
  'чп',
  'одо',
  'уп',
  'фгуп',
  'муп',
  'нко',
  'ано',
];

const LONG_FORMS = [
  'incorporated',
  'limited',
  'corporation',
  'limited liability company',
  'public joint stock company',
  'closed joint stock company',
  'open joint stock company',
  'joint stock company',
  'общество с ограниченной ответственностью',
  'публичное акционерное общество',
  'закрытое акционерное общество',
  'открытое акционерное общество',
  'непубличное акционерное общество',
  'акционерное общество',
  'индивидуальный предприниматель',
  'товарищество с ограниченной ответственностью',
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `llc`, `llc.`, `l.l.c`, `l.l.c.`; never a mix, which would find `a.b` inside `A.B.C.`. */
const abbreviation = (form: string): string => `(?:${escape(form)}|${[...form].map(escape).join('\\.')})\\.?`;
const longForm = (form: string): string => form.split(' ').map(escape).join('\\s+');

const WORD_CHAR = '[\\p{L}\\p{N}]';
/** An initial in a dotted run such as `A.B.C.`: `A.B` there is not the legal form AB. */
const INITIAL_BEFORE = `(?<!(?<!${WORD_CHAR})${WORD_CHAR}\\.)`;
const INITIAL_AFTER = `(?!\\.${WORD_CHAR}(?!${WORD_CHAR}))`;

/**
 * Any legal form standing as a whole word: not inside a word, a hyphenated word (`Co-op`) or a run
 * of initials. Longest first, so `limited liability company` wins over `limited`.
 */
const LEGAL_FORM = new RegExp(
  `(?<![\\p{L}\\p{N}-])${INITIAL_BEFORE}(?:${[...LONG_FORMS.map(longForm), ...ABBREVIATIONS.map(abbreviation)]
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

const CYRILLIC = /\p{Script=Cyrillic}/gu;
const COMBINING_MARKS = /\p{M}/gu;

/**
 * The key two company names are compared on: normalizeCompanyName, Cyrillic transliterated with
 * TRANSLITERATION, Latin diacritics dropped, spaces removed. `ООО «Ромашка»` and `Romashka LLC`
 * both give `romashka`; a different spelling (`Romaschka`) does not.
 */
export function companyNameKey(input: string): string {
  return (
    normalizeCompanyName(input)
      // Before NFD, which would split й into и + breve.
      .replace(CYRILLIC, (letter) => TRANSLITERATION[letter] ?? letter)
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replace(/\s+/gu, '')
  );
}
