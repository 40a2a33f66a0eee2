/**
 * Makes jsonld.js reuse processed active contexts instead of rebuilding them on every node.
 *
 * Why: the OB 3.0 context is built from type-scoped contexts (Achievement, Profile, Result, ...).
 * Unpatched, jsonld.js 9 on every nested node (a) reverts to the previous context with a *deep
 * clone* of the whole term map (~250 terms), and (b) applies a type-scoped context to a *fresh*
 * clone, so its processed-context cache (keyed by active-context identity) never hits and the
 * scoped context, with all its nested scoped contexts, is processed again. That made
 * canonicalizing one rubric badge take ~10 ms; with this module it takes ~2-3 ms, which is what
 * lets an installation verify hundreds of credentials a second.
 *
 * Why this is safe: jsonld.js never mutates an active context after processing it; every change
 * starts from `clone()` (context.js `api.process`), and term definitions are fresh objects set into
 * the cloned map. So:
 *  1. a shallow copy of the map (copy-on-write) is observably the same as a deep copy;
 *  2. reverting may return the previous context itself instead of a copy;
 *  3. the clone `api.process` makes to remember a previous context (`rval = rval.clone();
 *     rval.previousContext = activeCtx`) is fully determined by its source, so the processed
 *     cache can key it by that source. It is recognised exactly: cloned from X *and* its
 *     previousContext is X, which no other code path produces.
 * The official eddsa-rdfc-2022 vector, the 1EdTech fixtures and a rubric badge signed with
 * unpatched jsonld all verify in test/credentials, and canonical N-Quads were compared
 * byte-for-byte with and without this module.
 *
 * Scope: the initial active context for jsonld's default processing mode (every context of
 * Tessera's canonicalization descends from it) and ResolvedContext's processed cache. Idempotent.
 */
import contextApi, { type ActiveContext } from 'jsonld/lib/context.js'
import ResolvedContext from 'jsonld/lib/ResolvedContext.js'

const MARK = Symbol.for('tessera.jsonld.shared-contexts')
const SOURCE = Symbol('tessera.jsonld.cloned-from')

type Ctx = ActiveContext & { [SOURCE]?: ActiveContext }

export function shareImmutableActiveContexts(): void {
  const initial = contextApi.getInitialContext({}) as ActiveContext & { [MARK]?: true }
  if (initial[MARK]) return
  initial.clone = cloneSharing
  initial.revertToPreviousContext = revertSharing
  const proto = ResolvedContext.prototype
  const get = proto.getProcessed
  const set = proto.setProcessed
  proto.getProcessed = function (activeCtx) {
    return get.call(this, cacheKey(activeCtx as Ctx))
  }
  proto.setProcessed = function (activeCtx, processed) {
    set.call(this, cacheKey(activeCtx as Ctx), processed)
  }
  initial[MARK] = true
}

// One stable key object per source context: "a clone of source whose previous context is source".
const rememberingCloneKeys = new WeakMap<ActiveContext, object>()

function cacheKey(ctx: Ctx): object {
  const source = ctx[SOURCE]
  if (!source || ctx.previousContext !== source) return ctx
  let key = rememberingCloneKeys.get(source)
  if (!key) {
    key = {}
    rememberingCloneKeys.set(source, key)
  }
  return key
}

// Mirrors jsonld's _cloneActiveContext member by member, but copies the map and the protected
// set shallowly, shares the (immutable) previous context, and remembers the source.
function cloneSharing(this: Ctx): Ctx {
  const child: Ctx = {
    mappings: new Map(this.mappings),
    clone: this.clone,
    inverse: null,
    getInverse: this.getInverse,
    protected: { ...this.protected },
    revertToPreviousContext: this.revertToPreviousContext,
  }
  if (this.previousContext) child.previousContext = this.previousContext
  if ('@base' in this) child['@base'] = this['@base']
  if ('@language' in this) child['@language'] = this['@language']
  if ('@vocab' in this) child['@vocab'] = this['@vocab']
  child[SOURCE] = this
  return child
}

function revertSharing(this: ActiveContext): ActiveContext {
  return this.previousContext ?? this
}
