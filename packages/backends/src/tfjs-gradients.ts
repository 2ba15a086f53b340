/**
 * The CommonJS build of tfjs-core registers no gradients; the union package's bundle registers all of
 * them into tfjs's global gradient registry, shared by every copy of tfjs-core. Load it once.
 */
export function registerGradients(): void {
  require('@tensorflow/tfjs');
}
