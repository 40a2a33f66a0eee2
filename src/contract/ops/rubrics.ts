import { defineOps } from '../define'

export const rubricsOps = defineOps({})
