import type { learnersOps } from '../../contract/ops/learners'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

export function learnersHandlers(_ctx: ServiceContext): FeatureHandlers<typeof learnersOps> {
  return {}
}
