import { v7 as uuidv7, validate, version } from 'uuid'

/**
 * Record ids are UUIDv7: globally unique without coordination (records are made on devices that
 * sync weeks later) and time-ordered, so B-tree inserts stay local and ids sort by creation.
 */
export const newId = (): string => uuidv7()

export const isUuid = (s: string): boolean => validate(s) && [4, 7].includes(version(s))
