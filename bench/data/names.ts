import { foldForSearch } from '../../src/core/domain/names'
import type { Random } from './random'

/**
 * Learner names as Tessera's users have them: many scripts (Latin with every kind of accent,
 * Arabic with and without harakat, Devanagari, Han, Ethiopic, Hebrew, Hangul, Cyrillic, Greek),
 * common family names shared by many people (a prefix search for "ngu" matches a lot of rows),
 * and a long tail of rarer names so prefixes spread out as they do in real registers.
 */

interface NamePool {
  script: string
  /** Share of learners from this pool. */
  weight: number
  given: readonly string[]
  family: readonly string[]
  /** Latin pools also get invented names (syllables) for a long tail of prefixes. */
  inventShare?: number
  /** Email addresses are typed in ASCII: Latin names are folded into one, others get a number. */
  asciiEmail?: boolean
}

const POOLS: readonly NamePool[] = [
  {
    script: 'latin-fr',
    weight: 9,
    given: [
      'Hélène',
      'François',
      'Zoë',
      'Amélie',
      'Jérôme',
      'Cécile',
      'Benoît',
      'Anaïs',
      'Noël',
      'Loïc',
      'Gaëlle',
      'Théo',
      'Inès',
      'Maëlle',
      'Léa',
      'Raphaël',
      'Éloïse',
      'Céline',
      'Sébastien',
      'Mathéo',
    ],
    family: [
      'Lefèvre',
      'Dubois',
      'Moreau',
      'Girard',
      'Bélanger',
      'Côté',
      'Gagné',
      'Lévesque',
      'Séguin',
      'Bouchard',
      'Mercier',
      'Faure',
      'Rousseau',
      'Chevalier',
      'Garnier',
      'Lemaître',
      'Perrault',
      'Thérien',
      'Beaulieu',
      'Desjardins',
    ],
    inventShare: 0.3,
    asciiEmail: true,
  },
  {
    script: 'latin-de',
    weight: 5,
    given: [
      'Jürgen',
      'Jörg',
      'Günther',
      'Björn',
      'Käthe',
      'Ursula',
      'Sönke',
      'Matthias',
      'Friederike',
      'Lea',
      'Lukas',
      'Jonas',
    ],
    family: [
      'Müller',
      'Schröder',
      'Groß',
      'Weiß',
      'Köhler',
      'Schäfer',
      'Bäcker',
      'Fuß',
      'Krüger',
      'Hoffmann',
      'Jäger',
      'Wößner',
    ],
    inventShare: 0.3,
    asciiEmail: true,
  },
  {
    script: 'latin-es-pt',
    weight: 9,
    given: [
      'José',
      'María',
      'Ángela',
      'Jesús',
      'Íñigo',
      'Begoña',
      'João',
      'Conceição',
      'Sebastião',
      'Lúcia',
      'Nuño',
      'Inés',
      'Andrés',
      'Sofía',
    ],
    family: [
      'Núñez',
      'González',
      'Peña',
      'Ibáñez',
      'Muñoz',
      'Rodríguez',
      'Gonçalves',
      'Magalhães',
      'Araújo',
      'Simões',
      'Fernández',
      'Pérez',
      'Gómez',
    ],
    inventShare: 0.3,
    asciiEmail: true,
  },
  {
    script: 'latin-pl-cs-tr-nordic',
    weight: 5,
    given: [
      'Łukasz',
      'Małgorzata',
      'Zdeněk',
      'Jiří',
      'Šárka',
      'Çağla',
      'Gülşen',
      'Ömer',
      'İbrahim',
      'Søren',
      'Åsa',
      'Paweł',
    ],
    family: [
      'Wiśniewski',
      'Wójcik',
      'Dvořák',
      'Nováková',
      'Łęcki',
      'Çelik',
      'Yılmaz',
      'Öztürk',
      'Şahin',
      'Ødegård',
      'Ångström',
      'Kowalczyk',
    ],
    inventShare: 0.3,
    asciiEmail: true,
  },
  {
    script: 'latin-vi',
    weight: 10,
    given: [
      'Thị Hồng',
      'Văn Đức',
      'Minh Tuấn',
      'Ngọc Ánh',
      'Thu Hương',
      'Quốc Bảo',
      'Hải Yến',
      'Đức Anh',
      'Thanh Tâm',
      'Phương Linh',
      'Gia Huy',
      'Bảo Ngọc',
    ],
    family: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'],
    asciiEmail: true,
  },
  {
    script: 'latin-africa',
    weight: 16,
    given: [
      'Amina',
      'Kofi',
      'Adwoa',
      'Chiamaka',
      'Olúwaseun',
      'Ngozi',
      'Tendai',
      'Wanjiru',
      'Kwame',
      'Fatoumata',
      'Ifeoluwa',
      'Abdoulaye',
      'Mamadou',
      'Aïssatou',
      'Sékou',
      'Nnamdi',
      'Bongani',
      'Thandiwe',
      'Esi',
      'Dawit',
    ],
    family: [
      'Mensah',
      'Diallo',
      'Okafor',
      'Adébáyọ̀',
      'Ọlátúnjí',
      'Nwosu',
      'Mwangi',
      'Ouédraogo',
      'Traoré',
      'Koné',
      'Ndiaye',
      'Bâ',
      'Sissoko',
      'Owusu',
      'Achebe',
      'Kamau',
      'Dlamini',
      'Banda',
      'Yusuf',
      'Bekele',
    ],
    inventShare: 0.35,
    asciiEmail: true,
  },
  {
    script: 'arabic',
    weight: 12,
    given: [
      'مُحَمَّد',
      'محمد',
      'أحمد',
      'فاطمة',
      'عائشة',
      'يوسف',
      'مريم',
      'خالد',
      'ليلى',
      'عُمَر',
      'زينب',
      'إبراهيم',
      'نور',
      'حسن',
      'سارة',
      'علي',
      'هدى',
    ],
    family: [
      'العلي',
      'الحسيني',
      'بن علي',
      'الخطيب',
      'المصري',
      'حداد',
      'النجار',
      'السيد',
      'الشامي',
      'يعقوب',
      'عبد الله',
      'الزهراني',
    ],
  },
  {
    script: 'devanagari',
    weight: 9,
    given: ['प्रिया', 'राहुल', 'अनीता', 'सुरेश', 'दीपिका', 'अर्जुन', 'कविता', 'विकास', 'पूजा', 'संजय', 'नेहा', 'अमित'],
    family: ['शर्मा', 'वर्मा', 'गुप्ता', 'सिंह', 'पटेल', 'यादव', 'मिश्रा', 'जोशी', 'कुमार', 'अग्रवाल'],
  },
  {
    script: 'han',
    weight: 7,
    given: ['小明', '伟', '芳', '秀英', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰'],
    family: ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '欧阳', '司马'],
  },
  {
    script: 'ethiopic',
    weight: 5,
    given: ['አበበ', 'ሄኖክ', 'ማርታ', 'ሰላም', 'ዳዊት', 'ትዕግስት', 'ብርሃኑ', 'መሰረት', 'ሀና', 'ዮሐንስ'],
    family: ['ቢቂላ', 'ገብረ', 'ተስፋዬ', 'ወልደ', 'ታደሰ', 'አለሙ', 'በቀለ', 'ኃይሌ'],
  },
  {
    script: 'hebrew',
    weight: 3,
    given: ['נועה', 'דוד', 'שרה', 'יוסף', 'מרים', 'אבי', 'תמר', 'אורי', 'רחל', 'יעל'],
    family: ['כהן', 'לוי', 'מזרחי', 'פרץ', 'ביטון', 'דהן', 'אברהם', 'פרידמן'],
  },
  {
    script: 'hangul',
    weight: 3,
    given: ['민준', '서연', '지우', '하은', '도윤', '수아', '예준', '지민'],
    family: ['김', '이', '박', '최', '정', '강', '조', '윤'],
  },
  {
    script: 'cyrillic',
    weight: 5,
    given: [
      'Алексей',
      'Наталья',
      'Дмитрий',
      'Ольга',
      'Сергей',
      'Алёна',
      'Юлия',
      'Иван',
      'Татьяна',
      'Андрій',
      'Олена',
    ],
    family: [
      'Иванов',
      'Смирнова',
      'Кузнецов',
      'Попова',
      'Шевченко',
      'Коваленко',
      'Бондаренко',
      'Ткаченко',
      'Соколов',
      'Фёдоров',
    ],
  },
  {
    script: 'greek',
    weight: 2,
    given: ['Γιώργος', 'Μαρία', 'Δημήτρης', 'Ελένη', 'Νίκος', 'Κατερίνα', 'Σοφία', 'Ιωάννης'],
    family: ['Παπαδόπουλος', 'Παπαδοπούλου', 'Οικονόμου', 'Γεωργίου', 'Νικολάου', 'Βασιλείου'],
  },
]

const SYLLABLES = [
  'ka',
  'mo',
  'ri',
  'ta',
  'ne',
  'lu',
  'sa',
  'do',
  'bi',
  'ye',
  'fo',
  'zu',
  'pe',
  'gi',
  'wa',
  'ch',
  'an',
  'el',
  'os',
  'ju',
  'ba',
  'ki',
  'no',
  'ra',
]
const ACCENTED: Record<string, string> = { a: 'á', e: 'é', o: 'ö', u: 'ü', i: 'í' }

function invented(random: Random): string {
  let s = Array.from({ length: random.int(2, 4) }, () => random.pick(SYLLABLES)).join('')
  // Some invented names carry an accent too, so accent-insensitive search is exercised on them.
  if (random.chance(0.25)) {
    const i = random.int(1, s.length - 1)
    const c = s[i]!
    if (ACCENTED[c]) s = s.slice(0, i) + ACCENTED[c] + s.slice(i + 1)
  }
  return s[0]!.toUpperCase() + s.slice(1)
}

export interface GeneratedName {
  script: string
  givenName: string
  familyName: string
  email: string | null
}

const POOL_WEIGHTS = POOLS.map((p) => [p, p.weight] as const)

/** One learner's name (NFC, as the services store it) and a plausible email or none. */
export function generateName(random: Random, serial: number): GeneratedName {
  const pool = random.weighted(POOL_WEIGHTS)
  const invent = pool.inventShare ?? 0
  const givenName = (random.chance(invent) ? invented(random) : random.pick(pool.given)).normalize('NFC')
  const familyName = (random.chance(invent) ? invented(random) : random.pick(pool.family)).normalize('NFC')
  let email: string | null = null
  if (random.chance(pool.asciiEmail ? 0.55 : 0.35)) {
    const local = pool.asciiEmail
      ? `${foldForSearch(givenName)}.${foldForSearch(familyName)}`.replace(/[^a-z0-9.]+/g, '')
      : 'learner'
    email = `${local || 'learner'}.${serial}@${random.pick(['example.org', 'mail.example.com', 'school.example.net'])}`
  }
  return { script: pool.script, givenName, familyName, email }
}

/** Search texts people type: short prefixes (many matches), accents left out, other scripts, ids. */
export const SEARCH_QUERIES: readonly string[] = [
  'a',
  'ka',
  'mo',
  'ngu',
  'nguyen',
  'nguyen thi',
  'tran',
  'helene',
  'Hélène',
  'lefevre',
  'muller',
  'mueller',
  'gonzalez',
  'nunez',
  'lukasz',
  'yilmaz',
  'adebayo',
  'olatunji',
  'محمد',
  'احمد',
  'العلي',
  'प्रि',
  'शर्मा',
  '小',
  '欧阳',
  'አበ',
  'כהן',
  '김',
  'иван',
  'фёдоров',
  'παπα',
  'ka mo',
  'zzzz',
]
