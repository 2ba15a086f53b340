/**
 * How a node ended in one run: read from the cache, computed (here, on worker threads, or on a queue's
 * workers from jobs this run pushed), joined (this run waited for the same job pushed by another
 * coordinator), failed, or skipped because an ancestor failed.
 */
export type NodeStatus = 'hit' | 'computed' | 'joined' | 'failed' | 'skipped';
