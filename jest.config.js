// Every package's tests in one jest run (`npx jest`, handy while developing); `npm test` runs them per project through Nx.
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/e2e/jest.config.js'],
};
