module.exports = { ...require('../../jest.preset.js'), displayName: 'plugin-reports', rootDir: __dirname };
