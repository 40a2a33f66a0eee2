/**
 * Why a credential was revoked when its assessment changed. One wording everywhere: the device that
 * voids or corrects, and a hub applying that change to a credential it issued itself, write the
 * same reason and time, so the copies of the credential agree whichever way they arrive.
 */

export type RevocationCause =
  | { kind: 'voided'; assessmentId: string; voidReason: string }
  | { kind: 'corrected'; assessmentId: string; correctionId: string }

export function revocationReasonFor(cause: RevocationCause): string {
  return cause.kind === 'voided'
    ? `Assessment ${cause.assessmentId} was voided: ${cause.voidReason}`
    : `Assessment ${cause.assessmentId} was corrected by assessment ${cause.correctionId}; a credential can be issued from the correction if it passes`
}
