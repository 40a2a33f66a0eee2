import { defineOps } from '../define'

export const learnersOps = defineOps({})
