/**
 * The content of one rubric version: what an assessor scores against and what a credential
 * records. Stored as canonical JSON in `rubric_version.content`; its SHA-256 is the content hash.
 *
 * Ids of criteria and levels are stable strings (slugs or UUIDs) unique within the rubric, so that a
 * new version can keep ids for unchanged criteria and "what changed" can be computed.
 */
export interface RubricLevel {
  id: string
  label: string
  description: string
  /** Points this level earns, before the criterion's weight. */
  points: number
}

export interface RubricCriterion {
  id: string
  title: string
  description: string
  /** Multiplies the level points; 1 when all criteria count the same. */
  weight: number
  /** A critical criterion must reach `minLevelId` (or a higher level) whatever the total. */
  critical: boolean
  minLevelId: string | null
  /** Ordered from lowest to highest performance. */
  levels: RubricLevel[]
}

export interface PassingRule {
  /** Minimum weighted total, in points or as a percent of the maximum. */
  minTotal: number
  unit: 'points' | 'percent'
}

export interface RubricContent {
  criteria: RubricCriterion[]
  passing: PassingRule
}
