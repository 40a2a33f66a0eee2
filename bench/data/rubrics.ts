import type { RubricContent, RubricCriterion, RubricLevel } from '../../src/core/domain/rubric-types'
import type { Random } from './random'

/**
 * Rubrics like the ones training centres write: 4 to 12 criteria, 3 to 5 levels each with a short
 * description, uneven weights, one or two critical criteria with a minimum level, and a passing
 * rule in percent or points. Titles come from a practical trades vocabulary.
 */

const TRADES = [
  'Solar PV installation',
  'Motorcycle maintenance',
  'Tailoring and garment finishing',
  'Plumbing: domestic water supply',
  'Commercial kitchen hygiene',
  'Mobile phone repair',
  'Brick and block laying',
  'Poultry husbandry',
  'Hairdressing: cut and finish',
  'Welding: fillet joints',
  'Food processing: fruit drying',
  'Computer literacy for office work',
]

const SKILLS = [
  ['Safety check', 'Checks the work area, tools and protective equipment before starting'],
  ['Tool selection', 'Chooses the right tools and materials for the task'],
  ['Measurement', 'Measures and marks out accurately within tolerance'],
  ['Preparation', 'Prepares surfaces, parts and materials as specified'],
  ['Procedure', 'Follows the procedure in the right order without skipping steps'],
  ['Quality of finish', 'The finished work meets the quality standard on inspection'],
  ['Testing', 'Tests the work and interprets the result correctly'],
  ['Fault finding', 'Identifies the fault by elimination and explains the reasoning'],
  ['Time management', 'Completes the task within the time allowed'],
  ['Waste and clean-up', 'Disposes of waste correctly and leaves the area clean'],
  ['Communication', 'Explains the work and the next steps to the customer clearly'],
  ['Record keeping', 'Fills in the job card and records readings legibly'],
  ['Hygiene', 'Keeps hands, tools and surfaces clean throughout'],
  ['Customer care', 'Greets, listens and confirms what the customer needs'],
] as const

const LEVEL_SETS: readonly (readonly [string, string][])[] = [
  [
    ['not-yet', 'Not yet competent'],
    ['competent', 'Competent'],
    ['proficient', 'Proficient'],
  ],
  [
    ['not-yet', 'Not yet'],
    ['developing', 'Developing'],
    ['competent', 'Competent'],
    ['expert', 'Expert'],
  ],
  [
    ['absent', 'Not shown'],
    ['beginning', 'Beginning'],
    ['developing', 'Developing'],
    ['competent', 'Competent'],
    ['exemplary', 'Exemplary'],
  ],
]

function levels(random: Random): RubricLevel[] {
  const set = random.pick(LEVEL_SETS)
  return set.map(([id, label], i) => ({
    id,
    label,
    description: `${label}: ${i === 0 ? 'cannot do this unaided yet' : i === set.length - 1 ? 'does it quickly and could show others' : 'does it with little or no help'}`,
    points: i,
  }))
}

/** A valid rubric with `criteriaCount` criteria (4..12). */
export function generateRubric(
  random: Random,
  index: number,
  criteriaCount: number,
): { name: string; content: RubricContent } {
  const skills = random.shuffle(SKILLS).slice(0, criteriaCount)
  const criticalCount = random.int(1, 2)
  const criteria: RubricCriterion[] = skills.map(([title, description], i) => {
    const lv = levels(random)
    const critical = i < criticalCount
    return {
      id: `c${i + 1}-${title
        .toLowerCase()
        .replace(/[^a-z]+/g, '-')
        .replace(/-+$/, '')}`,
      title,
      description,
      weight: random.pick([1, 1, 1, 1.5, 2, 0.5]),
      critical,
      minLevelId: critical ? lv[1]!.id : null,
      levels: lv,
    }
  })
  const passing = random.chance(0.7)
    ? { minTotal: random.pick([60, 65, 70, 75]), unit: 'percent' as const }
    : {
        minTotal: Math.round(criteria.reduce((s, c) => s + c.weight * c.levels.at(-1)!.points, 0) * 0.6),
        unit: 'points' as const,
      }
  return {
    name: `${TRADES[index % TRADES.length]!}${index >= TRADES.length ? ` ${Math.floor(index / TRADES.length) + 1}` : ''}`,
    content: { criteria, passing },
  }
}

/**
 * Levels for every criterion, biased so that about three in four assessments pass: each level is
 * drawn around a per-learner ability, and critical criteria fall below their minimum now and then.
 */
export function generateScores(
  random: Random,
  content: RubricContent,
): { criterionId: string; levelId: string }[] {
  const ability = random.next() * 0.5 + 0.58
  return content.criteria.map((c) => {
    const top = c.levels.length - 1
    const raw = Math.round(ability * top + (random.next() - 0.5) * 1.4)
    const i = Math.max(0, Math.min(top, raw))
    return { criterionId: c.id, levelId: c.levels[i]!.id }
  })
}
