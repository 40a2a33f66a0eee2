import type { ImportField } from '../../contract/ops/learners'
import { foldForSearch } from '../domain/names'

/**
 * Header names recognised for each field, in the languages of the people who will import files.
 * Compared after folding (case, accents, harakat) and dropping spaces, "_", "-" and dots, so
 * "Given name", "given_name", "GIVEN-NAME" and "givenname" are the same header.
 * A plain "name"/"nom complet" is deliberately absent: splitting a full name into given and family
 * names differs by culture, so the person importing must say which column is which (--map).
 */
// prettier-ignore
export const HEADER_SYNONYMS: Readonly<Record<ImportField, readonly string[]>> = {
  given_name: [
    'given_name', 'given names', 'first name', 'firstname', 'first', 'forename', 'forenames', 'christian name',
    'prénom', 'prénoms', 'vorname', 'nombre', 'nombres', 'nome', 'primeiro nome', 'voornaam', 'imię', 'tên',
    'tên riêng', 'الاسم', 'الاسم الأول', 'الإسم', 'الاسم الاول', 'שם פרטי', '名', '名字', 'पहला नाम', 'प्रथम नाम',
    'ስም', 'የመጀመሪያ ስም', 'jina', 'jina la kwanza', 'prenom',
  ],
  family_name: [
    'family_name', 'family names', 'last name', 'lastname', 'last', 'surname', 'nom', 'nom de famille',
    'nachname', 'familienname', 'apellido', 'apellidos', 'sobrenome', 'cognome', 'achternaam', 'nazwisko', 'họ',
    'họ và tên đệm', 'اسم العائلة', 'اللقب', 'الكنية', 'שם משפחה', '姓', '姓氏', 'उपनाम', 'कुलनाम', 'परिवार का नाम',
    'የአባት ስም', 'የቤተሰብ ስም', 'jina la ukoo',
  ],
  email: [
    'email', 'e-mail', 'mail', 'email address', 'e-mail address', 'courriel', 'adresse email', 'adresse e-mail',
    'correo', 'correo electrónico', 'البريد الإلكتروني', 'البريد', 'ایمیل', 'דוא"ל', '电子邮件', '邮箱', '電子郵件',
    'ईमेल', 'ኢሜይል',
  ],
  phone: [
    'phone', 'phone number', 'telephone', 'telephone number', 'tel', 'mobile', 'mobile number', 'cell', 'cellphone',
    'téléphone', 'portable', 'telefon', 'handy', 'teléfono', 'celular', 'telefone', 'số điện thoại', 'điện thoại',
    'الهاتف', 'رقم الهاتف', 'الجوال', 'טלפון', '电话', '手机', '電話', 'फ़ोन', 'फोन', 'मोबाइल', 'ስልክ', 'simu',
  ],
  external_id: [
    'external_id', 'external id', 'id', 'student id', 'student number', 'learner id', 'learner number', 'trainee id',
    'participant id', 'registration number', 'matricule', 'numéro', 'numéro étudiant', 'identifiant', 'matrícula',
    'mã học viên', 'mã số', 'الرقم', 'رقم الطالب', 'الرقم التعريفي', '学号', '编号', 'क्रमांक', 'नामांकन संख्या', 'መለያ',
  ],
  cohort: [
    'cohort', 'cohorts', 'group', 'class', 'course', 'batch', 'cohorte', 'groupe', 'classe', 'promotion', 'gruppe',
    'grupo', 'clase', 'turma', 'lớp', 'الفوج', 'المجموعة', 'الدفعة', 'קבוצה', '班级', '班', '小组', 'बैच', 'समूह', 'ቡድን',
  ],
  notes: [
    'notes', 'note', 'comments', 'comment', 'remarks', 'remarques', 'observations', 'bemerkungen', 'notizen',
    'notas', 'observaciones', 'ghi chú', 'ملاحظات', 'הערות', '备注', '備註', 'टिप्पणी', 'ማስታወሻ',
  ],
}

export const headerKey = (h: string): string => foldForSearch(h).replace(/[\s_\-.'"’]+/gu, '')

const FIELD_BY_HEADER = new Map<string, ImportField>(
  (Object.entries(HEADER_SYNONYMS) as [ImportField, string[]][]).flatMap(([f, names]) =>
    names.map((n) => [headerKey(n), f] as const),
  ),
)

export const recogniseHeader = (header: string): ImportField | null =>
  FIELD_BY_HEADER.get(headerKey(header)) ?? null

/** Examples shown when no given-name column is found. */
export const GIVEN_NAME_EXAMPLES = ['given_name', 'first name', 'prénom', 'الاسم', '名']

export interface ColumnAssignment {
  /** 1-based. */
  number: number
  header: string
  field: ImportField | null
  how: 'suggested' | 'mapped' | 'ignored' | 'unrecognised'
}

export interface MappingResult {
  columns: ColumnAssignment[]
  /** Column index (0-based) of each mapped field. */
  indexOf: Partial<Record<ImportField, number>>
  errors: string[]
}

/**
 * The column → field assignment: explicit `mapping` entries (by header text or `#N`) first, then
 * recognised headers for the fields still free. A field gets at most one column.
 */
export function assignColumns(
  headers: string[],
  mapping: Record<string, ImportField | 'ignore'>,
): MappingResult {
  const errors: string[] = []
  const explicit = new Map<number, ImportField | 'ignore'>()
  for (const [key, target] of Object.entries(mapping)) {
    const index = resolveColumn(headers, key)
    if (index === null) {
      errors.push(
        `the mapping names a column "${key}" that the file does not have (columns: ${headers.map((h, i) => h || `#${i + 1}`).join(', ')})`,
      )
      continue
    }
    explicit.set(index, target)
  }

  const indexOf: Partial<Record<ImportField, number>> = {}
  const columns: ColumnAssignment[] = headers.map((header, i) => ({
    number: i + 1,
    header,
    field: null,
    how: 'unrecognised',
  }))
  for (const [index, target] of [...explicit].sort((a, b) => a[0] - b[0])) {
    const col = columns[index]!
    if (target === 'ignore') {
      col.how = 'ignored'
      continue
    }
    const taken = indexOf[target]
    if (taken !== undefined) {
      errors.push(
        `the mapping puts both column ${describe(headers, taken)} and column ${describe(headers, index)} into ${target}; choose one`,
      )
      continue
    }
    indexOf[target] = index
    col.field = target
    col.how = 'mapped'
  }
  for (const col of columns) {
    if (col.how !== 'unrecognised') continue
    const field = recogniseHeader(col.header)
    // The first column with a recognised header wins; a second "email" column stays unmapped.
    if (field && indexOf[field] === undefined) {
      indexOf[field] = col.number - 1
      col.field = field
      col.how = 'suggested'
    }
  }
  return { columns, indexOf, errors }
}

function resolveColumn(headers: string[], key: string): number | null {
  const exact = headers.indexOf(key.normalize('NFC').trim())
  if (exact >= 0) return exact
  const folded = headers.findIndex((h) => h !== '' && headerKey(h) === headerKey(key))
  if (folded >= 0) return folded
  const byNumber = /^#(\d+)$/.exec(key.trim())
  if (byNumber) {
    const n = Number(byNumber[1])
    if (n >= 1 && n <= headers.length) return n - 1
  }
  return null
}

const describe = (headers: string[], index: number): string =>
  headers[index] ? `"${headers[index]}"` : `#${index + 1}`
