// Shared jest settings for every package: swc transpiles (fast on 2 cores); `tsc -b` typechecks.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: { '^@rtlab/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts') },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
