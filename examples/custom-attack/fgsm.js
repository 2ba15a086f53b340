// A custom attack plugin: a class, registered by one line in rtlab.config.json
//   { "plugins": ["./examples/custom-attack/fgsm.js"] }
// FGSM (Goodfellow et al.) is one signed-gradient step of size eps from x, without a random start,
// so it reuses the public Linf-PGD plugin of @rtlab/plugin-attacks.
'use strict';
const { pgdLinf, pgdPlugin } = require('@rtlab/plugin-attacks');

const pgd = pgdPlugin(pgdLinf);

class Fgsm {
  kind = 'attack';
  name = 'fgsm';
  version = '1.0.0';
  description = 'FGSM: x + eps * sign(grad), clipped to the bounds (one Linf-PGD step without random start).';
  params = {
    type: 'object',
    additionalProperties: false,
    required: ['objective', 'eps'],
    properties: {
      objective: { enum: ['ce', 'regression'], description: 'Loss whose gradient sign is followed.' },
      eps: { type: 'number', exclusiveMinimum: 0, description: 'Step size = Linf radius.' },
      batchSize: { type: 'integer', minimum: 1, default: 256, description: 'Samples attacked at once.' },
    },
  };
  inputs = pgd.inputs;
  output = 'AttackResult';

  run(inputs, p, ctx) {
    const step = { steps: 1, absStepsize: p.eps, randomStart: false, bounds: [0, 1], saveInputs: false };
    return pgd.run(inputs, { ...step, objective: p.objective, eps: p.eps, batchSize: p.batchSize }, ctx);
  }
}

module.exports = { plugins: [new Fgsm()] };
