/**
 * Resident feedback as it is typed into the survey's free-text question, in the three languages, with the personal
 * data it holds and the near misses that must come through untouched. Test BSNs pass the elfproef; IBANs pass
 * mod 97; none of the numbers, addresses, e-mail addresses or names belong to anyone.
 */
import type { TLanguage } from '../../src/i18n/languages';
import type { TPersonalDataKind } from '../../src/privacy/scrub';

export interface TScrubCase {
  language: TLanguage;
  text: string;
  expected: string;
  found: TPersonalDataKind[];
}

export interface TNearMiss {
  language: TLanguage;
  text: string;
  /** What the scrubber could mistake it for. */
  lookalike: string;
}

export const PERSONAL_DATA: readonly TScrubCase[] = [
  // nl — BSN
  { language: 'nl', text: 'Mijn BSN is 123456782, kunt u dat nakijken?', expected: 'Mijn BSN is [BSN], kunt u dat nakijken?', found: ['bsn'] },
  { language: 'nl', text: 'Ik moest mijn burgerservicenummer 246.813.581 drie keer doorgeven.', expected: 'Ik moest mijn burgerservicenummer [BSN] drie keer doorgeven.', found: ['bsn'] },
  { language: 'nl', text: 'Op het formulier stond 3020 19 182 maar dat klopte niet.', expected: 'Op het formulier stond [BSN] maar dat klopte niet.', found: ['bsn'] },
  { language: 'nl', text: 'Ze hadden 111-222-333 genoteerd, zonder te vragen waarom.', expected: 'Ze hadden [BSN] genoteerd, zonder te vragen waarom.', found: ['bsn'] },
  { language: 'nl', text: 'In de brief stond sofinummer 12345672, de nul was weggevallen.', expected: 'In de brief stond sofinummer [BSN], de nul was weggevallen.', found: ['bsn'] },
  { language: 'nl', text: 'mijn bsn: 123456789 (ik weet niet of dat goed is)', expected: 'mijn bsn: [BSN] (ik weet niet of dat goed is)', found: ['bsn'] },
  // nl — phone
  { language: 'nl', text: 'Bel me terug op 06-12345678 alstublieft.', expected: 'Bel me terug op [PHONE] alstublieft.', found: ['phone'] },
  { language: 'nl', text: 'Mijn nummer is 06 1234 5678 of +31 6 12345678.', expected: 'Mijn nummer is [PHONE] of [PHONE].', found: ['phone'] },
  { language: 'nl', text: 'U kunt mij bereiken via 0031612345678 of thuis op 020-1234567.', expected: 'U kunt mij bereiken via [PHONE] of thuis op [PHONE].', found: ['phone'] },
  { language: 'nl', text: 'Ik werd gebeld door +31 20 123 4567 en moest terugbellen naar 010 123 45 67.', expected: 'Ik werd gebeld door [PHONE] en moest terugbellen naar [PHONE].', found: ['phone'] },
  { language: 'nl', text: 'Telefoon: (020) 123 4567, mobiel 06-1234 5678, of +31 (0)6 12 34 56 78.', expected: 'Telefoon: [PHONE], mobiel [PHONE], of [PHONE].', found: ['phone'] },
  { language: 'nl', text: 'Bereikbaar op 0612345678/0201234567 na vijven.', expected: 'Bereikbaar op [PHONE]/[PHONE] na vijven.', found: ['phone'] },
  // nl — e-mail
  { language: 'nl', text: 'Mail mij op jan.de.vries@example.nl als het klaar is.', expected: 'Mail mij op [EMAIL] als het klaar is.', found: ['email'] },
  { language: 'nl', text: 'Stuur het naar J.Jansen+gemeente@mail.example.com graag.', expected: 'Stuur het naar [EMAIL] graag.', found: ['email'] },
  { language: 'nl', text: 'mijn mail is piet (at) voorbeeld.nl, niet die van mijn vrouw', expected: 'mijn mail is [EMAIL], niet die van mijn vrouw', found: ['email'] },
  // nl — IBAN
  { language: 'nl', text: 'Het geld moest naar NL91 ABNA 0417 1643 00 maar kwam niet aan.', expected: 'Het geld moest naar [IBAN] maar kwam niet aan.', found: ['iban'] },
  { language: 'nl', text: 'rekening nl91abna0417164300 staat verkeerd in jullie systeem', expected: 'rekening [IBAN] staat verkeerd in jullie systeem', found: ['iban'] },
  { language: 'nl', text: 'Terugbetalen op DE89 3704 0044 0532 0130 00, mijn Duitse rekening.', expected: 'Terugbetalen op [IBAN], mijn Duitse rekening.', found: ['iban'] },
  // nl — address
  { language: 'nl', text: 'Ik woon op Kerkstraat 12, 1234 AB Amsterdam en de brief kwam nooit aan.', expected: 'Ik woon op [ADDRESS] Amsterdam en de brief kwam nooit aan.', found: ['address'] },
  { language: 'nl', text: 'Mijn adres is 1234 AB 12, maar de post ging naar 1234AB, 12a.', expected: 'Mijn adres is [ADDRESS], maar de post ging naar [ADDRESS].', found: ['address'] },
  { language: 'nl', text: 'De postcode 2517 AB klopt niet in jullie brief.', expected: 'De postcode [ADDRESS] klopt niet in jullie brief.', found: ['address'] },
  { language: 'nl', text: 'postcode 1234ab, dat had ik al drie keer gezegd', expected: 'postcode [ADDRESS], dat had ik al drie keer gezegd', found: ['address'] },
  { language: 'nl', text: 'Laan van Meerdervoort 12, 2517 AB Den Haag is mijn adres.', expected: '[ADDRESS] Den Haag is mijn adres.', found: ['address'] },
  { language: 'nl', text: 'Stuur het naar de Dorpsweg 7 in Hoorn, niet naar mijn oude huis.', expected: 'Stuur het naar de [ADDRESS] in Hoorn, niet naar mijn oude huis.', found: ['address'] },
  { language: 'nl', text: 'ik woon op de kerkstraat 12-2 driehoog', expected: 'ik woon op de [ADDRESS] driehoog', found: ['address'] },
  // nl — name
  { language: 'nl', text: 'Met vriendelijke groet, Jan de Vries', expected: 'Met vriendelijke groet, [NAME]', found: ['name'] },
  { language: 'nl', text: 'Mevrouw Bakker van de balie heeft mij goed geholpen.', expected: 'Mevrouw [NAME] van de balie heeft mij goed geholpen.', found: ['name'] },
  // nl — several at once: found lists each kind once, in a fixed order
  {
    language: 'nl',
    text: 'BSN 111222333, mail a.b@example.nl, tel 0612345678, nogmaals 06-87654321, Kerkstraat 1, 1234 AB.',
    expected: 'BSN [BSN], mail [EMAIL], tel [PHONE], nogmaals [PHONE], [ADDRESS].',
    found: ['bsn', 'phone', 'email', 'address'],
  },

  // pap — BSN
  { language: 'pap', text: 'Mi number di BSN ta 123456782, por bo chèk esei?', expected: 'Mi number di BSN ta [BSN], por bo chèk esei?', found: ['bsn'] },
  { language: 'pap', text: 'Nan a pidi mi persoonsnummer 555123406 tres biaha.', expected: 'Nan a pidi mi persoonsnummer [BSN] tres biaha.', found: ['bsn'] },
  { language: 'pap', text: 'Riba e formulario tabata 314 159 265, esei no ta mi number.', expected: 'Riba e formulario tabata [BSN], esei no ta mi number.', found: ['bsn'] },
  // pap — phone
  { language: 'pap', text: 'Yama mi na +599 717 1234 òf mi selular 786 1234.', expected: 'Yama mi na [PHONE] òf mi selular [PHONE].', found: ['phone'] },
  { language: 'pap', text: 'Mi number ta 717-1234, yama mi den mainta.', expected: 'Mi number ta [PHONE], yama mi den mainta.', found: ['phone'] },
  { language: 'pap', text: 'Mi yu ta biba Kòrsou, su number ta +599 9 461 2345.', expected: 'Mi yu ta biba Kòrsou, su number ta [PHONE].', found: ['phone'] },
  { language: 'pap', text: 'mi selular: 7001234 i mi kas +599 7 17 1234', expected: 'mi selular: [PHONE] i mi kas [PHONE]', found: ['phone'] },
  { language: 'pap', text: 'Ora mi ta Aruba bo por yama +297 582 1234 òf 00599 717 1234.', expected: 'Ora mi ta Aruba bo por yama [PHONE] òf [PHONE].', found: ['phone'] },
  // pap — e-mail
  { language: 'pap', text: 'Manda e karta pa maria.martis@example.com, danki.', expected: 'Manda e karta pa [EMAIL], danki.', found: ['email'] },
  // pap — IBAN
  { language: 'pap', text: 'Mi kuenta ta NL20 INGB 0001 2345 67.', expected: 'Mi kuenta ta [IBAN].', found: ['iban'] },
  // pap — name
  { language: 'pap', text: 'Mi nomber ta Shurandy Martis i mi ta hopi kontentu.', expected: 'Mi nomber ta [NAME] i mi ta hopi kontentu.', found: ['name'] },
  // pap — address
  { language: 'pap', text: 'Mi ta biba na Kaya Grandi 12, Kralendijk.', expected: 'Mi ta biba na [ADDRESS], Kralendijk.', found: ['address'] },
  { language: 'pap', text: 'Mi adres ta Kaya Gob. N. Debrot #44.', expected: 'Mi adres ta [ADDRESS].', found: ['address'] },
  { language: 'pap', text: 'mi ta biba na kaya korona number 5 i nan no a yega', expected: 'mi ta biba na [ADDRESS] i nan no a yega', found: ['address'] },
  { language: 'pap', text: 'Nan a manda e karta na Kaminda Lac 20b, no na mi kas.', expected: 'Nan a manda e karta na [ADDRESS], no na mi kas.', found: ['address'] },

  // en — BSN
  { language: 'en', text: 'My BSN is 314159265 and nobody could find my file.', expected: 'My BSN is [BSN] and nobody could find my file.', found: ['bsn'] },
  { language: 'en', text: 'They typed 0123 45 672 instead of my number.', expected: 'They typed [BSN] instead of my number.', found: ['bsn'] },
  // en — phone
  { language: 'en', text: 'Call me on +599 416 1234 please, I live on Saba.', expected: 'Call me on [PHONE] please, I live on Saba.', found: ['phone'] },
  { language: 'en', text: 'My number in Statia is +599 318 1234.', expected: 'My number in Statia is [PHONE].', found: ['phone'] },
  { language: 'en', text: 'Text me at 416-1234 or 318 1234 after work.', expected: 'Text me at [PHONE] or [PHONE] after work.', found: ['phone'] },
  { language: 'en', text: 'My sister in Sint Maarten has +1 721 542 1234.', expected: 'My sister in Sint Maarten has [PHONE].', found: ['phone'] },
  // en — e-mail
  { language: 'en', text: 'Please email me at john.smith@example.org.', expected: 'Please email me at [EMAIL].', found: ['email'] },
  { language: 'en', text: 'write to jsmith[at]example.co.uk instead', expected: 'write to [EMAIL] instead', found: ['email'] },
  // en — IBAN
  { language: 'en', text: 'Refund to GB29 NWBK 6016 1331 9268 19 please.', expected: 'Refund to [IBAN] please.', found: ['iban'] },
  { language: 'en', text: 'I paid from BE68 5390 0754 7034 last month.', expected: 'I paid from [IBAN] last month.', found: ['iban'] },
  // en — name
  { language: 'en', text: 'Kind regards, Mary Johnson', expected: 'Kind regards, [NAME]', found: ['name'] },
  // en — address
  { language: 'en', text: 'I live at 12 Rosemary Lane in Windwardside.', expected: 'I live at [ADDRESS] in Windwardside.', found: ['address'] },
  { language: 'en', text: 'Send it to Mountain Road 3, The Bottom.', expected: 'Send it to [ADDRESS], The Bottom.', found: ['address'] },
  { language: 'en', text: 'My address is Fort Oranjestraat 7, Oranjestad.', expected: 'My address is [ADDRESS], Oranjestad.', found: ['address'] },
];

export const NEAR_MISSES: readonly TNearMiss[] = [
  // nl
  { language: 'nl', text: 'Ik heb 3 weken gewacht op een reactie.', lookalike: 'small number' },
  { language: 'nl', text: 'De kosten waren €123,45 en dat vond ik te veel.', lookalike: 'amount' },
  { language: 'nl', text: 'Het kostte 1.234,56 euro, dat is 15% meer dan vorig jaar.', lookalike: 'amount, percentage' },
  { language: 'nl', text: 'Ze rekenden € 123.456.782,00 voor de hele wijk.', lookalike: 'amount in BSN shape' },
  { language: 'nl', text: 'Mijn zaaknummer is 2026-123456.', lookalike: 'case number' },
  { language: 'nl', text: 'Afspraak op 12-03-2026 om 10:30 uur.', lookalike: 'date and time' },
  { language: 'nl', text: 'Op 06-03-2026 10:30 was ik eindelijk aan de beurt.', lookalike: 'date starting 06 with time: 10 digits' },
  { language: 'nl', text: 'Het nummer 123456789 staat op mijn brief.', lookalike: '9 digits failing the elfproef' },
  { language: 'nl', text: 'Ordernummer 87654321 is nooit verstuurd.', lookalike: '8 digits without a BSN keyword' },
  { language: 'nl', text: 'Er stonden 1234 mensen in de rij.', lookalike: 'postcode digits' },
  { language: 'nl', text: 'In 2025 en 2026 heb ik twee keer een paspoort aangevraagd.', lookalike: 'postcode: year and word' },
  { language: 'nl', text: 'Ik heb 1500km gereden voor een afspraak van 10 minuten.', lookalike: 'postcode: digits and unit' },
  { language: 'nl', text: 'Het loket aan de Stationsweg was dicht.', lookalike: 'street without number' },
  { language: 'nl', text: 'Ik ben bij het Stadsplein 3 keer teruggestuurd.', lookalike: 'street followed by a count' },
  { language: 'nl', text: 'Er komen 700-1000 mensen per dag.', lookalike: 'Bonaire local number' },
  { language: 'nl', text: 'De wachttijd was 45 minuten, van 9.15 tot 10.00 uur.', lookalike: 'times' },
  { language: 'nl', text: 'Ik belde 14 020 en daarna 0800-0543, maar niemand nam op.', lookalike: 'public short numbers' },
  { language: 'nl', text: 'Ik geef een 8, op een schaal van 1 tot 10.', lookalike: 'score' },
  { language: 'nl', text: 'Code AB12CDEF1234567890 werkte niet in de app.', lookalike: 'IBAN failing mod 97' },
  { language: 'nl', text: 'Mijn rekening NL91ABNA0417164301 klopt niet, één cijfer fout.', lookalike: 'IBAN with a wrong check' },
  { language: 'nl', text: 'Sinds 2020 EU-regels gelden, duurt alles langer.', lookalike: 'postcode: year and acronym' },
  { language: 'nl', text: 'Ik ben best tevreden over de Gemeente, het was Prima.', lookalike: 'name after "ik ben"' },
  { language: 'nl', text: 'Ben erg tevreden, in Mei kom ik terug.', lookalike: 'first name "Ben" opening a sentence, month "Mei"' },
  // pap
  { language: 'pap', text: 'Mi a warda 45 minüt na loket.', lookalike: 'small number' },
  { language: 'pap', text: 'Mi a bai Kaya Grandi 3 biaha, pero e ofisina tabata sera.', lookalike: 'street followed by a count' },
  { language: 'pap', text: 'Kaya Grandi tabata yen di hende.', lookalike: 'street without number' },
  { language: 'pap', text: 'E kaya tin 3 buraku grandi.', lookalike: 'kaya as a word' },
  { language: 'pap', text: 'Mi a paga 25 dòler pa e dokumento.', lookalike: 'amount' },
  { language: 'pap', text: 'Mi a bin 12-03-2026 na 10:30.', lookalike: 'date and time' },
  { language: 'pap', text: 'E kuenta tabata 1.234,56 florin.', lookalike: 'amount' },
  { language: 'pap', text: 'Den 2025 mi a yama 4 biaha.', lookalike: 'year' },
  { language: 'pap', text: 'Mi number di kaso ta 2026-123456.', lookalike: 'case number' },
  { language: 'pap', text: 'Tabatin 717 hende den fila.', lookalike: 'Bonaire prefix alone' },
  { language: 'pap', text: 'Mi ta hopi kontentu, e empleado a yuda mi hopi bon.', lookalike: 'name after "mi ta"' },
  // en
  { language: 'en', text: 'I waited 12 days for an answer.', lookalike: 'small number' },
  { language: 'en', text: 'On 12-03-2026 at 10:30 the office was closed.', lookalike: 'date and time' },
  { language: 'en', text: 'It cost $123.45, which is 20% more than last year.', lookalike: 'amount' },
  { language: 'en', text: 'My case number is 2026-123456.', lookalike: 'case number' },
  { language: 'en', text: 'About 1234 people were waiting.', lookalike: 'postcode digits' },
  { language: 'en', text: 'After 2 hours on the road I gave up.', lookalike: 'street type' },
  { language: 'en', text: 'I called on March 12, 2026 at noon.', lookalike: 'date before a year' },
  { language: 'en', text: 'Main Street was blocked again.', lookalike: 'street without number' },
  { language: 'en', text: 'I went to Mountain Road 3 times.', lookalike: 'street followed by a count' },
  { language: 'en', text: 'Reference 271828182 was on the letter.', lookalike: '9 digits failing the elfproef' },
  { language: 'en', text: 'I was the 1000th caller and got no answer.', lookalike: 'postcode: ordinal' },
  { language: 'en', text: 'In 2026 we moved to Saba.', lookalike: 'postcode: year and word' },
  { language: 'en', text: 'The office is open 8:00-12:00 and 13:00-16:30.', lookalike: 'opening hours' },
  { language: 'en', text: 'Between 2019 and 2026 I applied 3 times.', lookalike: 'years' },
  { language: 'en', text: 'I am very satisfied, and in May I will come back.', lookalike: 'name after "I am", first name "May"' },
];
