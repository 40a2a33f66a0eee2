import type { rubricsOps } from '../../contract/ops/rubrics'
import type { ServiceContext } from './context'
import type { FeatureHandlers } from './handlers'

export function rubricsHandlers(_ctx: ServiceContext): FeatureHandlers<typeof rubricsOps> {
  return {}
}
