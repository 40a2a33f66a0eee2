/**
 * Entry point of the verifier bundle embedded in the offline verifier kit (verifier-kit.ts): the
 * isomorphic verifier, exposed as the global `TesseraVerifier` by the IIFE bundle.
 */
export { verifyCredential } from './verify'
