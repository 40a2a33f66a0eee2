import type { assessmentsOps } from '../../contract/ops/assessments'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

export function assessmentsHandlers(_ctx: ServiceContext): FeatureHandlers<typeof assessmentsOps> {
  return {}
}
