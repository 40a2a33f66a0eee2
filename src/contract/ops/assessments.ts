import { defineOps } from '../define'

export const assessmentsOps = defineOps({})
