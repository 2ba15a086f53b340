/** Errors of the damaged-content kind: the entry is removed and recomputed. Anything else (permissions, I/O) means it could not be read. */
export class Damaged extends Error {}
