/**
 * Serialises tensor work on the one device: tfjs in a JS thread runs one op at a time anyway, and
 * interleaving two nodes at await points only mixes their memory (and their tensor counts).
 * @example const result = await lock.run(() => plugin.run(inputs, params, ctx));
 */
export class DeviceLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
