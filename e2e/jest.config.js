// End-to-end: the built CLI on the repository's own pipelines (`npm test` builds first).
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
