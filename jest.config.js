// One jest run over every package (one process pool beats one jest per package on 2 cores).
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.js', '<rootDir>/e2e/jest.config.js'],
};
