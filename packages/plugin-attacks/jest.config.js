module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-attacks', rootDir: __dirname };
