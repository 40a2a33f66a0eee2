import type { OpArgs, OpName, OpOutput } from '../../contract/ops'
import type { CallContext } from './context'

export type Handler<K extends OpName> = (args: OpArgs<K>, call: CallContext) => Promise<OpOutput<K>>

/** The implementation of the whole contract; a missing or mistyped handler is a compile error. */
export type Handlers = { [K in OpName]: Handler<K> }

/** The handlers of one feature, keyed by the op names of its contract file. */
export type FeatureHandlers<T> = { [K in keyof T & OpName]: Handler<K> }
