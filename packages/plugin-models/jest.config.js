module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-models', rootDir: __dirname };
