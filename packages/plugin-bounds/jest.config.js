module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-bounds', rootDir: __dirname };
