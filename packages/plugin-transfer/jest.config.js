module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-transfer', rootDir: __dirname };
