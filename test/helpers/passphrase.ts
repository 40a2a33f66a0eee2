/**
 * The passphrase test databases seal their issuer keys with (`init` makes the keys). The keystore's
 * scrypt cost cannot go below its production minimum (2^15, well under a second), so tests use it too.
 */
export const TEST_PASSPHRASE = 'test passphrase (not a secret)'
