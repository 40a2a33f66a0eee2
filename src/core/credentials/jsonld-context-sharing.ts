/// <reference path="./jsonld.d.ts" />
/**
 * Makes jsonld.js reuse processed active contexts instead of deep-copying them.
 *
 * Why: the OB 3.0 context is built from type-scoped contexts (Achievement, Profile, Result, ...),
 * and on every nested node jsonld.js reverts to the previous context with a *deep clone* of the
 * whole term map (~250 terms). That clone dominates canonicalization (10 ms for a rubric badge) and
 * also defeats jsonld's own processed-context cache, which is keyed by active-context identity.
 *
 * Why this is safe: jsonld.js never mutates an active context after processing it; every change
 * starts from `clone()` (context.js `api.process`), and term definitions are fresh objects
 * assigned into the cloned map. So a copy-on-write clone (shallow map copy) and returning the
 * previous context itself are observably identical. The official eddsa-rdfc-2022 vector, the 1EdTech
 * fixtures and a rubric badge signed with unpatched jsonld all verify in test/credentials.
 *
 * Scope: patches only the initial active context for jsonld's default processing mode, from which
 * every context of Tessera's canonicalization descends. Idempotent.
 */
import contextApi, { type ActiveContext } from 'jsonld/lib/context.js'

const MARK = Symbol.for('tessera.jsonld.shared-contexts')

export function shareImmutableActiveContexts(): void {
  const initial = contextApi.getInitialContext({}) as ActiveContext & { [MARK]?: true }
  if (initial[MARK]) return
  initial.clone = cloneSharing
  initial.revertToPreviousContext = revertSharing
  initial[MARK] = true
}

// Mirrors jsonld's _cloneActiveContext member by member, but copies the map and the protected
// set shallowly and shares the (immutable) previous context.
function cloneSharing(this: ActiveContext): ActiveContext {
  const child: ActiveContext = {
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
  return child
}

function revertSharing(this: ActiveContext): ActiveContext {
  return this.previousContext ?? this
}
